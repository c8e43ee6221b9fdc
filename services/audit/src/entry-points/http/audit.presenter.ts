// The log's entries as the operator API shows them, and the schemas the docs describe them with.
import { auditActor, auditState, auditSubject } from '@ordo/contracts-audit';
import { z } from 'zod';
import type { AuditEntry } from '../../domain/audit-entry.js';
import type { VerifyLogResult } from '../../use-cases/verify-log.use-case.js';

export const auditEntrySchema = z.object({
  position: z.number().int(),
  eventId: z.string(),
  action: z.string(),
  actor: auditActor,
  subject: auditSubject,
  occurredAt: z.string(),
  recordedAt: z.string(),
  before: auditState.nullable(),
  after: auditState.nullable(),
  correlationId: z.string(),
  prevHash: z.string(),
  hash: z.string(),
});

export const auditPageSchema = z.object({
  data: z.array(auditEntrySchema),
  nextCursor: z
    .string()
    .nullable()
    .meta({ description: 'Pass as `cursor` for the next (older) page; null at the end.' }),
});

export const verifyResultSchema = z.object({
  ok: z.boolean(),
  count: z.number().int(),
  headPosition: z.number().int().optional(),
  headHash: z.string().optional(),
  checkpoints: z.number().int().optional(),
  firstBad: z
    .object({ position: z.number().int(), failure: z.string(), reason: z.string() })
    .optional()
    .meta({ description: 'The first entry that does not verify, and why.' }),
  publicKey: z.string().nullable().meta({ description: 'The Ed25519 public key (SPKI DER, base64) checked against.' }),
});

export function entryJson(entry: AuditEntry): z.infer<typeof auditEntrySchema> {
  return { ...entry };
}

export function verifyJson(result: VerifyLogResult): z.infer<typeof verifyResultSchema> {
  return { ...result };
}

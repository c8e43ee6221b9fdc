// The operator read API of the audit log: its requests (validated by the routes with these
// schemas) and its operations as the docs at /docs list them.
import { auditAction } from '@ordo/contracts-audit';
import type { ApiOperation } from '@ordo/http';
import { z } from 'zod';
import { auditPageSchema, verifyResultSchema } from './audit.presenter.js';

const text = z.string().min(1).max(100);

export const listAuditQuery = z
  .object({
    action: auditAction.optional(),
    subjectType: text.optional(),
    subjectId: text.optional(),
    actor: text.optional().meta({ description: 'A user id, or a service name.' }),
    from: z.iso.datetime({ offset: true }).optional().meta({ description: 'Changes at or after this time.' }),
    to: z.iso.datetime({ offset: true }).optional().meta({ description: 'Changes before this time.' }),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(100).optional().meta({ description: 'The `nextCursor` of the previous page.' }),
  })
  .strict();

export const auditApi: readonly ApiOperation[] = [
  {
    method: 'GET',
    path: '/v1/ops/audit',
    summary: 'Read the audit log',
    description:
      'Money movements and account changes, newest first, a page at a time (keyset pagination, opaque ' +
      'cursor), filtered by action, subject, actor and time. Each entry carries its chain hashes.',
    tags: ['Operations: audit'],
    roles: ['operator'],
    query: listAuditQuery,
    responses: { 200: { description: 'One page of entries.', schema: auditPageSchema } },
  },
  {
    method: 'GET',
    path: '/v1/ops/audit/verify',
    summary: 'Verify the audit log',
    description:
      'Recomputes the whole hash chain and checks every signed checkpoint; names the first entry that ' +
      'does not verify. Reads the whole log: for occasional use (`ordo audit verify` does the same).',
    tags: ['Operations: audit'],
    roles: ['operator'],
    responses: { 200: { description: 'The verification result.', schema: verifyResultSchema } },
  },
];

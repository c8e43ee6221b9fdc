// The audit context: one event, `audit.recorded.v1`, that every service emits through its outbox
// when money moves or an account changes; the audit service appends it to its hash-chained log.
// Before and after hold amounts, statuses, roles and ids only — never names, emails, addresses or
// payment tokens (the log cannot be edited, so nothing in it can ever be erased either).
import { id, isoTime, message, schemasOf } from '@ordo/contracts-common';
import { z } from 'zod';

export const AuditTopics = {
  events: 'audit.events',
} as const;

/** Stable action names: what an operator filters the log by. */
export const AuditAction = {
  PaymentAuthorized: 'payment.authorized',
  PaymentAuthorizationFailed: 'payment.authorization_failed',
  PaymentCaptured: 'payment.captured',
  PaymentVoided: 'payment.voided',
  PaymentRefunded: 'payment.refunded',
  AccountCreated: 'account.created',
  AccountRoleChanged: 'account.role_changed',
} as const;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];
export const auditAction = z.enum(Object.values(AuditAction) as [AuditAction, ...AuditAction[]]);

/** A user acting through the API, or a service acting on its own (a saga step, a seed). */
export const auditActor = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), userId: id, role: z.string().min(1).max(40) }),
  z.object({ kind: z.literal('service'), service: z.string().min(1).max(40) }),
]);
export type AuditActor = z.infer<typeof auditActor>;

export const auditSubject = z.object({ type: z.string().min(1).max(40), id });
export type AuditSubject = z.infer<typeof auditSubject>;

// Flat and small on purpose: scalar fields an auditor compares, nothing free-form or nested.
const auditValue = z.union([z.string().max(200), z.number(), z.boolean(), z.null()]);
export const auditState = z.record(z.string().max(60), auditValue).refine((s) => Object.keys(s).length <= 20, {
  message: 'at most 20 fields',
});
export type AuditState = z.infer<typeof auditState>;

export const auditRecorded = z.object({
  action: auditAction,
  actor: auditActor,
  subject: auditSubject,
  /** When the change committed in the emitting service. */
  occurredAt: isoTime,
  before: auditState.nullable(),
  after: auditState.nullable(),
  correlationId: z.string().min(1).max(200),
});
export type AuditRecorded = z.infer<typeof auditRecorded>;

export const AuditEvents = {
  recorded: message('audit.recorded.v1', auditRecorded),
};

export const auditSchemas = schemasOf(AuditEvents);

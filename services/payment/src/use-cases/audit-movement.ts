// The audit event of a money movement, written to the outbox in the transaction that records it,
// so the movement and its audit entry commit (or roll back) together.
import { AuditEvents, type AuditRecorded, AuditTopics } from '@ordo/contracts-audit';
import type { SqlExecutor } from '@ordo/db';
import type { Operation } from '../data-access/operation.repository.js';
import type { OperationStatus, Payment } from '../domain/payment.js';
import { auditActionOf, auditedPayment } from '../domain/payment-audit.js';
import type { PaymentDeps } from './payment.deps.js';

export async function auditMovement(
  deps: PaymentDeps,
  tx: SqlExecutor,
  op: Operation,
  status: OperationStatus,
  before: Payment,
  after: Payment,
  now: Date,
): Promise<void> {
  const action = auditActionOf(op.kind, status, before, after);
  if (!action) return;
  const payload: AuditRecorded = {
    action,
    // Payment operations run for a saga, not for a person: the service is the actor, and the
    // correlation id leads to the order and the customer's request.
    actor: { kind: 'service', service: 'payment' },
    subject: { type: 'payment', id: after.id },
    occurredAt: now.toISOString(),
    before: auditedPayment(before),
    after: { ...auditedPayment(after), operationCents: op.amountCents },
    correlationId: op.correlationId,
  };
  await deps.writer.write(tx, [
    {
      topic: AuditTopics.events,
      type: AuditEvents.recorded.type,
      key: after.id,
      payload,
      correlationId: op.correlationId,
      traceparent: op.traceparent,
    },
  ]);
}

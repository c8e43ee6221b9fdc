// The fields of one audit entry (a payment captured by the payment service) for tests that chain
// entries themselves.
import type { AuditEntryFields } from '../../src/index.js';

export function capturedPaymentFields(eventId: string): Omit<AuditEntryFields, 'position'> {
  return {
    eventId,
    action: 'payment.captured',
    actor: { kind: 'service', service: 'payment' },
    subject: { type: 'payment', id: 'pay-1' },
    occurredAt: '2026-01-01T00:00:00.000Z',
    recordedAt: '2026-01-01T00:00:01.000Z',
    before: { status: 'AUTHORIZED' },
    after: { status: 'CAPTURED' },
    correlationId: 'corr-1',
  };
}

import { describe, expect, it } from 'vitest';
import { OperationStatus, type Payment, PaymentStatus } from './payment.js';
import { auditActionOf, auditedPayment } from './payment-audit.js';

const payment: Payment = {
  id: 'pay-1',
  orderId: 'ord-1',
  customerId: 'cus-1',
  amountCents: 1_250,
  currency: 'EUR',
  status: PaymentStatus.Authorized,
  pspChargeId: 'ch-1',
  authorizedCents: 1_250,
  capturedCents: 0,
  refundedCents: 0,
  authorizationUncertain: false,
  createdAt: new Date(0),
  updatedAt: new Date(0),
};
const as = (status: PaymentStatus): Payment => ({ ...payment, status });

describe('payment audit', () => {
  it.each([
    ['authorize', OperationStatus.Succeeded, as(PaymentStatus.Authorizing), payment, 'payment.authorized'],
    [
      'authorize',
      OperationStatus.Failed,
      as(PaymentStatus.Authorizing),
      as(PaymentStatus.Declined),
      'payment.authorization_failed',
    ],
    ['capture', OperationStatus.Succeeded, payment, as(PaymentStatus.Captured), 'payment.captured'],
    ['void', OperationStatus.Succeeded, payment, as(PaymentStatus.Voided), 'payment.voided'],
    ['refund', OperationStatus.Succeeded, as(PaymentStatus.Captured), as(PaymentStatus.Refunded), 'payment.refunded'],
    ['void', OperationStatus.Succeeded, as(PaymentStatus.Declined), as(PaymentStatus.Declined), undefined],
    ['capture', OperationStatus.Failed, payment, payment, undefined],
  ] as const)('when %s ends %s, then the action is as listed', (kind, status, before, after, action) => {
    expect(auditActionOf(kind, status, before, after)).toBe(action);
  });

  it('when a payment is audited, then only its status and amounts are shown (no token, no customer)', () => {
    expect(auditedPayment(payment)).toEqual({
      orderId: 'ord-1',
      status: 'AUTHORIZED',
      currency: 'EUR',
      authorizedCents: 1_250,
      capturedCents: 0,
      refundedCents: 0,
    });
  });
});

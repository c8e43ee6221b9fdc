import { describe, expect, it } from 'vitest';
import {
  captureRefusal,
  type Payment,
  type PaymentStatus,
  planVoid,
  pspIdempotencyKey,
  refundRefusal,
  runsAgainOnNewCommand,
} from './payment.js';

const payment = (status: PaymentStatus, overrides: Partial<Payment> = {}): Payment => ({
  id: 'pay-1',
  orderId: 'order-1',
  customerId: 'c-1',
  amountCents: 1_000,
  currency: 'EUR',
  status,
  pspChargeId: 'ch_1',
  authorizedCents: 1_000,
  capturedCents: 0,
  refundedCents: 0,
  authorizationUncertain: false,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...overrides,
});

describe('payment rules', () => {
  it('when the key of an operation is derived, then it depends only on the order and the operation', () => {
    expect(pspIdempotencyKey('order-1', 'authorize')).toBe('pay:order-1:authorize');
    expect(pspIdempotencyKey('order-1', 'capture')).not.toBe(pspIdempotencyKey('order-1', 'authorize'));
  });

  it('when a new command id comes for an ended operation, then only a FAILED capture or void runs again', () => {
    expect(runsAgainOnNewCommand('void', 'FAILED')).toBe(true);
    expect(runsAgainOnNewCommand('capture', 'FAILED')).toBe(true);
    for (const status of ['SUCCEEDED', 'PENDING', 'QUEUED', 'CANCELLED'] as const) {
      expect(runsAgainOnNewCommand('void', status), status).toBe(false);
    }
    expect(runsAgainOnNewCommand('authorize', 'FAILED')).toBe(false);
    expect(runsAgainOnNewCommand('refund', 'FAILED')).toBe(false);
  });

  it('when a capture is asked, then only an authorized payment up to its authorized amount may be captured', () => {
    expect(captureRefusal(payment('AUTHORIZED'), 1_000)).toBeNull();
    expect(captureRefusal(payment('AUTHORIZED'), 1_001)?.error.code).toBe('ORDO_ERR_PAYMENT_AMOUNT_EXCEEDED');
    for (const status of ['VOIDED', 'DECLINED', 'CAPTURED', 'FAILED'] as const) {
      expect(captureRefusal(payment(status), 1)?.error.code, status).toBe('ORDO_ERR_PAYMENT_NOT_AUTHORIZED');
    }
  });

  it('when a refund is asked, then only captured money may be refunded', () => {
    expect(refundRefusal(payment('CAPTURED', { capturedCents: 800 }), 800)).toBeNull();
    expect(refundRefusal(payment('CAPTURED', { capturedCents: 800 }), 801)?.error.code).toBe(
      'ORDO_ERR_PAYMENT_AMOUNT_EXCEEDED',
    );
    expect(refundRefusal(payment('AUTHORIZED'), 1)?.error.code).toBe('ORDO_ERR_PAYMENT_NOT_CAPTURED');
  });

  it('when a void is planned, then it releases a known hold, looks for an uncertain one, and refuses after capture', () => {
    expect(planVoid(payment('AUTHORIZED'))).toEqual({ kind: 'void-charge', chargeId: 'ch_1' });
    expect(planVoid(payment('QUEUED', { pspChargeId: null, authorizationUncertain: true })).kind).toBe('find-and-void');
    expect(planVoid(payment('QUEUED', { pspChargeId: null })).kind).toBe('nothing-to-void');
    expect(planVoid(payment('DECLINED')).kind).toBe('nothing-to-void');
    expect(planVoid(payment('CAPTURED')).kind).toBe('refused');
  });
});

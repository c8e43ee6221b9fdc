import { describe, expect, it } from 'vitest';
import { authorize, type Charge, capture, refund, voidCharge } from './charge.js';

const t0 = new Date('2026-11-21T12:00:00.000Z');
const t1 = new Date('2026-11-21T12:01:00.000Z');
const request = { orderId: 'ord_1', amountCents: 1000, currency: 'EUR', cardToken: 'tok_visa' };

function authorized(): Charge {
  return authorize('ch_1', request, ['tok_declined'], t0).charge;
}

describe('charge', () => {
  it('when the card token is on the decline list, then the charge is declined and the operation is a decline', () => {
    const { charge, operation } = authorize('ch_1', { ...request, cardToken: 'tok_declined' }, ['tok_declined'], t0);
    expect(charge.status).toBe('declined');
    expect(operation).toEqual({ kind: 'decline', amountCents: 1000 });
  });

  it('when captured in full then refunded in two steps, then the amounts and statuses follow', () => {
    const captured = capture(authorized(), 1000, t1);
    if (!captured.ok) throw new Error('capture refused');
    expect(captured.charge).toMatchObject({ status: 'captured', capturedCents: 1000, updatedAt: t1 });
    const partly = refund(captured.charge, 400, t1);
    if (!partly.ok) throw new Error('refund refused');
    expect(partly.charge).toMatchObject({ status: 'partially_refunded', refundedCents: 400 });
    const fully = refund(partly.charge, 600, t1);
    expect(fully.ok && fully.charge).toMatchObject({ status: 'refunded', refundedCents: 1000 });
  });

  it('when a partial capture is refunded in full, then it is refunded (the released rest does not count)', () => {
    const captured = capture(authorized(), 700, t1);
    if (!captured.ok) throw new Error('capture refused');
    expect(refund(captured.charge, 700, t1)).toMatchObject({ ok: true, charge: { status: 'refunded' } });
  });

  it('when an operation is illegal in the current status, then it is rejected and the charge is not touched', () => {
    const charge = authorized();
    const voided = voidCharge(charge, t1);
    if (!voided.ok) throw new Error('void refused');
    for (const attempt of [capture(voided.charge, 1, t1), voidCharge(voided.charge, t1), refund(charge, 1, t1)]) {
      expect(attempt).toMatchObject({ ok: false, rejection: { error: { code: 'ORDO_ERR_PSP_INVALID_TRANSITION' } } });
    }
    expect(charge.status).toBe('authorized');
  });

  it('when the amount is above what is available, then AMOUNT_EXCEEDED says how much is', () => {
    expect(capture(authorized(), 1001, t1)).toMatchObject({
      ok: false,
      rejection: { error: { code: 'ORDO_ERR_PSP_AMOUNT_EXCEEDED' }, details: { availableCents: 1000 } },
    });
  });
});

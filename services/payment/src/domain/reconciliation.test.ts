import { describe, expect, it } from 'vitest';
import { type ChargeView, compareOrder, type PaymentView } from './reconciliation.js';

const charge = (overrides: Partial<ChargeView> = {}): ChargeView => ({
  id: 'ch_1',
  orderId: 'o-1',
  status: 'captured',
  amountCents: 1_000,
  capturedCents: 1_000,
  refundedCents: 0,
  ...overrides,
});
const payment = (overrides: Partial<PaymentView> = {}): PaymentView => ({
  id: 'pay-1',
  orderId: 'o-1',
  status: 'CAPTURED',
  pspChargeId: 'ch_1',
  authorizedCents: 1_000,
  capturedCents: 1_000,
  refundedCents: 0,
  inFlight: false,
  overdue: false,
  ...overrides,
});
const kinds = (p: PaymentView | undefined, charges: ChargeView[]) => compareOrder('o-1', p, charges).map((m) => m.kind);

describe('compareOrder', () => {
  it('when both sides agree, then there is no mismatch', () => {
    expect(kinds(payment(), [charge()])).toEqual([]);
    expect(kinds(payment({ status: 'FAILED', pspChargeId: null }), [])).toEqual([]);
    expect(kinds(payment({ status: 'CANCELLED', pspChargeId: null }), [charge({ status: 'voided' })])).toEqual([]);
  });

  it('when a charge is missing on either side, then it is reported', () => {
    expect(kinds(undefined, [charge()])).toEqual(['charge_missing_in_ordo']);
    expect(kinds(payment(), [])).toEqual(['charge_missing_at_psp']);
  });

  it('when amounts or statuses differ, then each difference is reported', () => {
    expect(kinds(payment({ capturedCents: 900 }), [charge()])).toEqual(['amount_mismatch']);
    expect(
      kinds(payment({ status: 'AUTHORIZED', capturedCents: 0 }), [charge({ status: 'authorized', capturedCents: 0 })]),
    ).toEqual([]);
    expect(kinds(payment({ status: 'VOIDED' }), [charge()])).toEqual(['status_mismatch']);
    expect(kinds(payment({ status: 'FAILED', pspChargeId: null }), [charge({ status: 'authorized' })])).toEqual([
      'status_mismatch',
    ]);
  });

  it('when the PSP has more than one charge for the order, then it is reported', () => {
    expect(kinds(payment(), [charge(), charge({ id: 'ch_2' })])).toEqual([
      'multiple_charges',
      'charge_missing_in_ordo',
    ]);
  });

  it('when an operation is in flight, then the order is compared only once it is past its deadline', () => {
    expect(kinds(payment({ inFlight: true }), [])).toEqual([]);
    expect(kinds(payment({ inFlight: true, overdue: true }), [])).toEqual(['stuck']);
  });
});

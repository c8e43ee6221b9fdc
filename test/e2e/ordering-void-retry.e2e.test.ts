// PSP outages that outlast a deadline, on both runtime shapes.
// - A void that keeps failing: no courier comes, so the saga voids the hold; the PSP is down until
//   past the void's deadline, so the saga parks in COMPENSATION_FAILED; the PSP comes back and the
//   operator's retry (a new command id) voids the hold after all: the order ends CANCELLED with
//   exactly one charge, voided.
// - An authorization the PSP never makes in time: QUEUED, then the order is REJECTED, no charge.
// Reconciliation afterwards finds Ordo and the PSP in agreement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoCouriers,
  FAST_PAYMENT,
  orderProbes,
  placeOrder,
  pspAdmin,
  SLOW as slow,
  someMenuItem,
} from './support/ordering.js';
import { type Client, type E2eEnv, SHAPES, startShape } from './support/shapes.js';

describe.each(SHAPES)('PSP outages past their deadlines, %s shape', (shape) => {
  let e2e: E2eEnv;
  let customer: Client;
  let operator: Client;
  let couriers: Awaited<ReturnType<typeof demoCouriers>>;
  let restaurantId: string;
  let menuItemId: string;

  beforeAll(async () => {
    e2e = await startShape(shape, {
      // Long enough to see the hold at the PSP and take the PSP down before the void is sent.
      courierWaitMs: 4_000,
      payment: {
        voidDeadlineMs: 2_000,
        // An authorization the PSP cannot make within 6 s is answered psp_unavailable.
        authorizeDeadlineMs: 6_000,
        ...FAST_PAYMENT,
      },
    });
    customer = await e2e.loginAs('customer');
    operator = await e2e.loginAs('operator');
    couriers = await demoCouriers(e2e);
    ({ restaurantId, menuItemId } = await someMenuItem(customer));
  }, 120_000);
  afterAll(() => e2e?.close());

  const psp = () => pspAdmin(e2e.pspUrl);
  const chargesAtPsp = (orderId: string) => psp().charges(orderId);
  const { statusOf, paymentsOf, sagaOf } = orderProbes(() => ({ customer, operator }));
  const parkedSagas = async () =>
    (
      await operator.get<{ sagas: Array<{ id: string }> }>('/v1/ops/sagas?status=COMPENSATION_FAILED&limit=200')
    ).body.sagas.map((s) => s.id);
  const setCouriersAvailable = (available: boolean) => couriers.setAvailable(available);

  const order = () => placeOrder(customer, { restaurantId, menuItemId });

  it('when the void keeps failing and the saga parks, then an operator retry after the PSP is back voids the hold and cancels the order', async () => {
    await setCouriersAvailable(false);
    try {
      const orderId = await order();
      // The hold is placed; take the PSP down before the saga, short of a courier, voids it.
      await expect
        .poll(async () => (await chargesAtPsp(orderId)).map((c) => c.status), { timeout: 30_000, interval: 50 })
        .toEqual(['authorized']);
      await psp().setFaults({ outage: { active: true } });

      await expect.poll(parkedSagas, slow).toContain(orderId);
      expect(await statusOf(orderId)).toBe('APPROVAL_PENDING');
      expect(await paymentsOf(orderId)).toEqual(['AUTHORIZED']);

      await psp().resetFaults();
      expect((await chargesAtPsp(orderId)).map((c) => c.status)).toEqual(['authorized']);
      const retried = await operator.post<{ status: string }>(`/v1/ops/sagas/${orderId}/retry`);
      expect(retried.status).toBe(200);

      await expect.poll(() => sagaOf(orderId), slow).toBe('COMPENSATED');
      expect(await parkedSagas()).not.toContain(orderId);
      expect(await paymentsOf(orderId)).toEqual(['VOIDED']);
      expect((await chargesAtPsp(orderId)).map((c) => c.status)).toEqual(['voided']);
      // Written in the saga's last transition: final once the saga is COMPENSATED.
      expect(await statusOf(orderId)).toBe('CANCELLED');
    } finally {
      await psp().resetFaults();
      await setCouriersAvailable(true);
    }
  }, 120_000);

  it('when the PSP stays down past the authorization deadline, then the payment is QUEUED, then the order is REJECTED and nothing is charged', async () => {
    await psp().setFaults({ outage: { active: true } });
    let orderId = '';
    try {
      orderId = await order();
      await expect.poll(() => paymentsOf(orderId), slow).toEqual(['QUEUED']);
      await expect.poll(() => statusOf(orderId), slow).toBe('REJECTED');
      expect((await customer.get<{ rejectionReason: string }>(`/v1/orders/${orderId}`)).body.rejectionReason).toContain(
        'psp_unavailable',
      );
      expect(await sagaOf(orderId)).toBe('COMPENSATED');
    } finally {
      await psp().resetFaults();
    }
    // The PSP's own record, readable again now that it is back: it never charged.
    expect(await chargesAtPsp(orderId)).toEqual([]);
  }, 120_000);

  it('when reconciliation runs after the cases above, then Ordo and the PSP agree', async () => {
    // The payment service's circuit breaker may still be open from the outage: it half-opens shortly.
    let report = await operator.post<{ mismatchCount: number; chargesChecked: number }>('/v1/ops/payments/reconcile');
    await expect
      .poll(async () => {
        report = await operator.post<{ mismatchCount: number; chargesChecked: number }>('/v1/ops/payments/reconcile');
        return report.status;
      }, slow)
      .toBe(200);
    expect(report.body.chargesChecked).toBeGreaterThan(0);
    expect(report.body.mismatchCount).toBe(0);
  }, 120_000);
});

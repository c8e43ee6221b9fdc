// The ordering flow when things go wrong, on both runtime shapes: a lost PSP response, a PSP
// outage, no courier, and reconciliation with the PSP afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoCouriers,
  FAST_PAYMENT,
  kitchenTicketStatus,
  orderProbes,
  placeOrder,
  pspAdmin,
  SLOW as slow,
  someMenuItem,
} from './support/ordering.js';
import { type Client, type E2eEnv, SHAPES, startShape } from './support/shapes.js';

describe.each(SHAPES)('ordering under faults, %s shape', (shape) => {
  let e2e: E2eEnv;
  let customer: Client;
  let operator: Client;
  let couriers: Awaited<ReturnType<typeof demoCouriers>>;
  let restaurantId: string;
  let menuItemId: string;

  beforeAll(async () => {
    e2e = await startShape(shape, {
      courierWaitMs: 1_500,
      payment: {
        voidDeadlineMs: 3_000,
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
  const setFaults = (faults: object) => psp().setFaults(faults);
  const resetFaults = () => psp().resetFaults();
  const chargesAtPsp = (orderId: string) => psp().charges(orderId);
  const { statusOf, paymentsOf, sagaOf } = orderProbes(() => ({ customer, operator }));
  const setCouriersAvailable = (available: boolean) => couriers.setAvailable(available);

  const order = () => placeOrder(customer, { restaurantId, menuItemId });

  it('when the PSP charges but the response is lost, then the retry finds the same charge: one charge, order confirmed', async () => {
    await setFaults({ failNext: { count: 1, kind: 'lost' } });
    const orderId = await order();
    await expect.poll(() => statusOf(orderId), slow).toBe('CONFIRMED');
    expect((await chargesAtPsp(orderId)).map((c) => c.status)).toEqual(['authorized']);
    await resetFaults();
  }, 120_000);

  it('when the PSP is down, then the payment is QUEUED and completes once the PSP is back', async () => {
    await setFaults({ outage: { active: true } });
    const orderId = await order();
    await expect.poll(() => paymentsOf(orderId), slow).toEqual(['QUEUED']);
    expect(await statusOf(orderId)).toBe('APPROVAL_PENDING');
    await resetFaults();
    await expect.poll(() => statusOf(orderId), slow).toBe('CONFIRMED');
    expect(await chargesAtPsp(orderId)).toHaveLength(1);
  }, 120_000);

  it('when no courier is free before the deadline, then the order is CANCELLED, the hold voided and the ticket cancelled', async () => {
    await setCouriersAvailable(false);
    try {
      const orderId = await order();
      await expect.poll(() => statusOf(orderId), slow).toBe('CANCELLED');
      await expect.poll(() => paymentsOf(orderId), slow).toEqual(['VOIDED']);
      expect(await sagaOf(orderId)).toBe('COMPENSATED');
      expect((await chargesAtPsp(orderId)).map((c) => c.status)).toEqual(['voided']);
      expect(await kitchenTicketStatus(e2e, restaurantId, orderId)).toBe('CANCELLED');
    } finally {
      await setCouriersAvailable(true);
    }
  }, 120_000);

  it('when reconciliation runs after the orders above, then it finds no mismatch, and it reports an injected one', async () => {
    const clean = await operator.post<{ mismatchCount: number; chargesChecked: number }>('/v1/ops/payments/reconcile');
    expect(clean.status).toBe(200);
    expect(clean.body.chargesChecked).toBeGreaterThan(0);
    expect(clean.body.mismatchCount).toBe(0);
    // A charge Ordo knows nothing about, made directly at the PSP.
    await psp().request('/psp/v1/authorizations', {
      method: 'POST',
      headers: { 'idempotency-key': 'rogue-charge-1' },
      body: JSON.stringify({
        orderId: 'order-unknown-to-ordo',
        amountCents: 1234,
        currency: 'EUR',
        cardToken: 'tok_visa',
      }),
    });
    const dirty = await operator.post<{ mismatchCount: number }>('/v1/ops/payments/reconcile');
    expect(dirty.body.mismatchCount).toBeGreaterThanOrEqual(1);
  }, 120_000);
});

// The ordering flow when things go wrong, on both runtime shapes: a lost PSP response, a PSP
// outage, no courier, and reconciliation with the PSP afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kitchenTicketStatus, placeOrder, pspAdmin, SLOW as slow, someMenuItem } from './support/ordering.js';
import { type Client, type E2eEnv, SHAPES, startShape } from './support/shapes.js';

describe.each(SHAPES)('ordering under faults, %s shape', (shape) => {
  let e2e: E2eEnv;
  let customer: Client;
  let operator: Client;
  let couriers: Client[];
  let restaurantId: string;
  let menuItemId: string;

  beforeAll(async () => {
    e2e = await startShape(shape, {
      courierWaitMs: 1_500,
      payment: {
        voidDeadlineMs: 3_000,
        breakerHalfOpenAfterMs: 300,
        queuedRetryBaseMs: 100,
        queuedRetryMaxMs: 500,
        pspCallTimeoutMs: 1_000,
        pspMaxTries: 2,
        pspRetryMaxDelayMs: 100,
        reconciliationIntervalMs: 0,
      },
    });
    customer = await e2e.loginAs('customer');
    operator = await e2e.loginAs('operator');
    couriers = await Promise.all(Array.from({ length: 8 }, (_, i) => e2e.loginAs('courier', i)));
    ({ restaurantId, menuItemId } = await someMenuItem(customer));
  }, 120_000);
  afterAll(() => e2e?.close());

  const psp = () => pspAdmin(e2e.pspUrl);
  const setFaults = (faults: object) => psp().setFaults(faults);
  const resetFaults = () => psp().resetFaults();
  const chargesAtPsp = (orderId: string) => psp().charges(orderId);
  const statusOf = async (orderId: string) =>
    (await customer.get<{ status: string }>(`/v1/orders/${orderId}`)).body.status;
  const paymentsOf = async (orderId: string) =>
    (
      await operator.get<{ payments: Array<{ status: string }> }>(`/v1/ops/payments?orderId=${orderId}`)
    ).body.payments.map((p) => p.status);
  const sagaOf = async (id: string) => (await operator.get<{ status: string }>(`/v1/ops/sagas/${id}`)).body.status;
  const setCouriersAvailable = async (available: boolean) => {
    for (const c of couriers) expect((await c.put('/v1/courier/availability', { available })).status).toBe(200);
  };

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

// A compensation that kept failing, retried by an operator, on both runtime shapes: no courier
// comes, so the saga voids the hold; the PSP is down until past the void's deadline, so the saga
// parks in COMPENSATION_FAILED; the PSP comes back and the operator's retry (a new command id)
// voids the hold after all: the order ends CANCELLED with exactly one charge, voided.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type E2eEnv, SHAPES, startShape } from './support/shapes.js';

const slow = { timeout: 90_000, interval: 200 };
const address = { line1: 'Unter den Linden 1', lat: 52.517, lng: 13.389 };

describe.each(SHAPES)('a failed void retried by an operator, %s shape', (shape) => {
  let e2e: E2eEnv;
  let customer: Client;
  let operator: Client;
  let couriers: Client[];
  let restaurantId: string;
  let menuItemId: string;

  beforeAll(async () => {
    e2e = await startShape(shape, {
      // Long enough to see the hold at the PSP and take the PSP down before the void is sent.
      courierWaitMs: 4_000,
      payment: {
        voidDeadlineMs: 2_000,
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
    const { body } = await customer.get<{ restaurants: Array<{ id: string }> }>('/v1/restaurants');
    restaurantId = body.restaurants[0]!.id;
    const menu = await customer.get<{ items: Array<{ id: string; available: boolean }> }>(
      `/v1/restaurants/${restaurantId}/menu`,
    );
    menuItemId = menu.body.items.find((i) => i.available)!.id;
  }, 120_000);
  afterAll(() => e2e?.close());

  const psp = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${e2e.pspUrl}${path}`, {
      ...init,
      headers: {
        // A bodiless request (the DELETE) must not claim a JSON body.
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.headers as Record<string, string>),
      },
    });
    if (res.status >= 400)
      throw new Error(`PSP ${init.method ?? 'GET'} ${path} answered ${res.status}: ${await res.text()}`);
    return res;
  };
  const setFaults = (faults: object) => psp('/psp/v1/admin/faults', { method: 'PUT', body: JSON.stringify(faults) });
  const resetFaults = () => psp('/psp/v1/admin/faults', { method: 'DELETE' });
  const chargesAtPsp = async (orderId: string) =>
    ((await (await psp(`/psp/v1/charges?orderId=${orderId}`)).json()) as { charges: Array<{ status: string }> })
      .charges;
  const statusOf = async (orderId: string) =>
    (await customer.get<{ status: string }>(`/v1/orders/${orderId}`)).body.status;
  const paymentsOf = async (orderId: string) =>
    (
      await operator.get<{ payments: Array<{ status: string }> }>(`/v1/ops/payments?orderId=${orderId}`)
    ).body.payments.map((p) => p.status);
  const sagaOf = async (id: string) => (await operator.get<{ status: string }>(`/v1/ops/sagas/${id}`)).body.status;
  const parkedSagas = async () =>
    (
      await operator.get<{ sagas: Array<{ id: string }> }>('/v1/ops/sagas?status=COMPENSATION_FAILED&limit=200')
    ).body.sagas.map((s) => s.id);
  const setCouriersAvailable = async (available: boolean) => {
    for (const c of couriers) expect((await c.put('/v1/courier/availability', { available })).status).toBe(200);
  };

  async function order(): Promise<string> {
    let id = '';
    await expect
      .poll(async () => {
        const res = await customer.post<{ id: string }>('/v1/orders', {
          restaurantId,
          items: [{ menuItemId, quantity: 1 }],
          deliveryAddress: address,
          paymentToken: 'tok_visa',
        });
        id = res.body.id;
        return res.status;
      }, slow)
      .toBe(202);
    return id;
  }

  it('when the void keeps failing and the saga parks, then an operator retry after the PSP is back voids the hold and cancels the order', async () => {
    await setCouriersAvailable(false);
    try {
      const orderId = await order();
      // The hold is placed; take the PSP down before the saga, short of a courier, voids it.
      await expect
        .poll(async () => (await chargesAtPsp(orderId)).map((c) => c.status), { timeout: 30_000, interval: 50 })
        .toEqual(['authorized']);
      await setFaults({ outage: { active: true } });

      await expect.poll(parkedSagas, slow).toContain(orderId);
      expect(await statusOf(orderId)).toBe('APPROVAL_PENDING');
      expect(await paymentsOf(orderId)).toEqual(['AUTHORIZED']);

      await resetFaults();
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
      await resetFaults();
      await setCouriersAvailable(true);
    }
  }, 120_000);
});

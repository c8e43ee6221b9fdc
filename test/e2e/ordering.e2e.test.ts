// The ordering flow end to end on both runtime shapes, driven over HTTP like a real client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kitchenTicketStatus } from './support/ordering.js';
import { type E2eEnv, SHAPES, startShape } from './support/shapes.js';

const slow = { timeout: 60_000, interval: 200 };

interface OrderView {
  id: string;
  status: string;
  totalCents: number;
  courierId: string | null;
  rejectionReason: string | null;
}

describe.each(SHAPES)('ordering, %s shape', (shape) => {
  let e2e: E2eEnv;

  beforeAll(async () => {
    e2e = await startShape(shape);
  }, 120_000);
  afterAll(() => e2e?.close());

  async function placeOrder(paymentToken = 'tok_visa') {
    const customer = await e2e.loginAs('customer');
    const { body: list } = await customer.get<{ restaurants: Array<{ id: string; openNow: boolean }> }>(
      '/v1/restaurants',
    );
    const restaurant = list.restaurants.find((r) => r.openNow)!;
    const { body: menu } = await customer.get<{ items: Array<{ id: string; available: boolean; priceCents: number }> }>(
      `/v1/restaurants/${restaurant.id}/menu`,
    );
    const [first, second] = menu.items.filter((i) => i.available);
    // The order service learns menus from events: wait until it accepts this restaurant.
    let placed: { status: number; body: { id: string; status: string }; headers: Headers } | undefined;
    await expect
      .poll(async () => {
        placed = await customer.post<{ id: string; status: string }>('/v1/orders', {
          restaurantId: restaurant.id,
          items: [
            { menuItemId: first!.id, quantity: 2 },
            { menuItemId: second!.id, quantity: 1 },
          ],
          deliveryAddress: { line1: 'Unter den Linden 1', lat: 52.517, lng: 13.389 },
          paymentToken,
        });
        return placed.status;
      }, slow)
      .toBe(202);
    const expectedTotal = first!.priceCents * 2 + second!.priceCents;
    return {
      customer,
      order: placed!.body,
      location: placed!.headers.get('location'),
      expectedTotal,
      restaurantId: restaurant.id,
    };
  }

  it('when a customer reads an order right after placing or cancelling it, with the version the write returned, then never a 404 nor an older version', async () => {
    const { customer, order } = await placeOrder();
    const placed = order as { id: string; version?: number };
    expect(placed.version).toBe(1);
    // At once, before the read side may have seen the order: the read waits for it.
    const first = await customer.get<OrderView & { version: number }>(`/v1/orders/${order.id}?minVersion=1`);
    expect(first.status).toBe(200);
    expect(first.body.version).toBeGreaterThanOrEqual(1);

    await expect
      .poll(async () => (await customer.get<OrderView>(`/v1/orders/${order.id}`)).body.status, slow)
      .toBe('CONFIRMED');
    const cancel = await customer.post<{ status: string; version: number }>(`/v1/orders/${order.id}/cancel`);
    expect(cancel.status).toBe(202);
    expect(cancel.body.version).toBeGreaterThanOrEqual(2);
    const after = await customer.get<OrderView & { version: number }>(
      `/v1/orders/${order.id}?minVersion=${cancel.body.version}`,
    );
    expect(after.status).toBe(200);
    expect(after.body.version).toBeGreaterThanOrEqual(cancel.body.version);
    await expect
      .poll(async () => (await customer.get<OrderView>(`/v1/orders/${order.id}`)).body.status, slow)
      .toBe('CANCELLED');
  });

  it('when a customer orders, then kitchen, payment and courier confirm it; pickup captures the total once; delivery ends it', async () => {
    const { customer, order, location, expectedTotal } = await placeOrder();
    expect(order.status).toBe('APPROVAL_PENDING');
    expect(location).toBe(`/v1/orders/${order.id}`);

    await expect
      .poll(async () => (await customer.get<OrderView>(`/v1/orders/${order.id}`)).body.status, slow)
      .toBe('CONFIRMED');
    const confirmed = (await customer.get<OrderView>(`/v1/orders/${order.id}`)).body;
    expect(confirmed.totalCents).toBe(expectedTotal);
    expect(confirmed.courierId).toBeTruthy();

    const courier = await e2e.loginAsCourier(confirmed.courierId!);
    const { body: jobs } = await courier.get<{ current: { id: string; orderId: string } | null }>('/v1/courier/jobs');
    expect(jobs.current?.orderId).toBe(order.id);
    const deliveryId = jobs.current!.id;
    for (const step of ['accept', 'picked-up']) {
      expect((await courier.post(`/v1/courier/deliveries/${deliveryId}/${step}`)).status).toBe(200);
    }
    await expect
      .poll(async () => (await customer.get<OrderView>(`/v1/orders/${order.id}`)).body.status, slow)
      .toBe('PICKED_UP');
    expect((await courier.post(`/v1/courier/deliveries/${deliveryId}/delivered`)).status).toBe(200);
    await expect
      .poll(async () => (await customer.get<OrderView>(`/v1/orders/${order.id}`)).body.status, slow)
      .toBe('DELIVERED');

    const operator = await e2e.loginAs('operator');
    await expect
      .poll(async () => {
        const { body } = await operator.get<{ payments: Array<{ capturedCents: number; status: string }> }>(
          `/v1/ops/payments?orderId=${order.id}`,
        );
        return body.payments.map((p) => ({ status: p.status, capturedCents: p.capturedCents }));
      }, slow)
      .toEqual([{ status: 'CAPTURED', capturedCents: expectedTotal }]);
  }, 120_000);

  it('when the card is declined, then the order is REJECTED and the kitchen ticket cancelled', async () => {
    const { customer, order, restaurantId } = await placeOrder('tok_declined');
    await expect
      .poll(async () => (await customer.get<OrderView>(`/v1/orders/${order.id}`)).body.status, slow)
      .toBe('REJECTED');
    const rejected = (await customer.get<OrderView>(`/v1/orders/${order.id}`)).body;
    expect(rejected.rejectionReason).toContain('payment_declined');
    const operator = await e2e.loginAs('operator');
    const saga = await operator.get<{ status: string }>(`/v1/ops/sagas/${order.id}`);
    expect(saga.body.status).toBe('COMPENSATED');
    expect(await kitchenTicketStatus(e2e, restaurantId, order.id)).toBe('CANCELLED');
  }, 120_000);

  it("when a customer asks for someone else's order, then it is a 404 exactly like a missing one", async () => {
    const { order } = await placeOrder();
    const email = `other-${Date.now()}@example.com`;
    const other = await fetch(`${e2e.url}/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'correct horse battery' }),
    });
    expect(other.status).toBe(201);
    const stranger = await e2e.login(email, 'correct horse battery');
    const res = await fetch(`${e2e.url}/v1/orders/${order.id}`, {
      headers: { authorization: `Bearer ${stranger.token}` },
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ORDO_ERR_ORDER_NOT_FOUND');
  }, 120_000);
});

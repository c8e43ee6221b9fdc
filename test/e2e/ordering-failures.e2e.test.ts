// Failure paths of the ordering flow on both runtime shapes: a closed restaurant, customer
// cancellations before and after pickup, and bad input that must write nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDRESS as address, placeOrder, SLOW as slow } from './support/ordering.js';
import { type Client, type E2eEnv, postOversized, SHAPES, startShape } from './support/shapes.js';

interface OrderView {
  id: string;
  status: string;
  courierId: string | null;
  rejectionReason: string | null;
}

describe.each(SHAPES)('ordering failures, %s shape', (shape) => {
  let e2e: E2eEnv;
  let customer: Client;
  let operator: Client;
  let restaurants: Array<{ id: string; items: Array<{ id: string; available: boolean }> }>;

  beforeAll(async () => {
    e2e = await startShape(shape);
    customer = await e2e.loginAs('customer');
    operator = await e2e.loginAs('operator');
    const { body } = await customer.get<{ restaurants: Array<{ id: string }> }>('/v1/restaurants');
    restaurants = [];
    for (const r of body.restaurants) {
      const menu = await customer.get<{ items: Array<{ id: string; available: boolean }> }>(
        `/v1/restaurants/${r.id}/menu`,
      );
      restaurants.push({ id: r.id, items: menu.body.items });
    }
  }, 120_000);
  afterAll(() => e2e?.close());

  const itemOf = (restaurantId: string) =>
    restaurants.find((r) => r.id === restaurantId)!.items.find((i) => i.available)!.id;
  const statusOf = async (orderId: string) => (await customer.get<OrderView>(`/v1/orders/${orderId}`)).body.status;

  const order = (restaurantId: string) => placeOrder(customer, { restaurantId, menuItemId: itemOf(restaurantId) });

  async function paymentsOf(orderId: string) {
    const { body } = await operator.get<{ payments: Array<{ status: string }> }>(`/v1/ops/payments?orderId=${orderId}`);
    return body.payments.map((p) => p.status);
  }

  it('when the restaurant is closed, then the order is REJECTED and no payment is authorized', async () => {
    const closed = restaurants.at(-1)!.id;
    // Wait until the order service knows the menu, then close the restaurant.
    await order(closed);
    expect((await operator.put(`/v1/restaurants/${closed}/availability`, { closedNow: true })).status).toBe(200);
    const orderId = await order(closed);
    await expect.poll(() => statusOf(orderId), slow).toBe('REJECTED');
    expect((await customer.get<OrderView>(`/v1/orders/${orderId}`)).body.rejectionReason).toContain(
      'restaurant_closed',
    );
    expect(await paymentsOf(orderId)).toEqual([]);
    await operator.put(`/v1/restaurants/${closed}/availability`, { closedNow: false });
  }, 120_000);

  it('when the customer cancels before pickup, then the order is CANCELLED and the payment hold voided', async () => {
    const orderId = await order(restaurants[0]!.id);
    await expect.poll(() => statusOf(orderId), slow).toBe('CONFIRMED');
    expect((await customer.post(`/v1/orders/${orderId}/cancel`)).status).toBe(202);
    // Asking twice is the same request.
    expect((await customer.post(`/v1/orders/${orderId}/cancel`)).status).toBe(202);
    await expect.poll(() => statusOf(orderId), slow).toBe('CANCELLED');
    await expect.poll(() => paymentsOf(orderId), slow).toEqual(['VOIDED']);
  }, 120_000);

  it('when the customer cancels after pickup, then it is refused with 409 and the order goes on', async () => {
    const orderId = await order(restaurants[1]!.id);
    await expect.poll(() => statusOf(orderId), slow).toBe('CONFIRMED');
    const { courierId } = (await customer.get<OrderView>(`/v1/orders/${orderId}`)).body;
    const courier = await e2e.loginAsCourier(courierId!);
    const { body: jobs } = await courier.get<{ current: { id: string } }>('/v1/courier/jobs');
    for (const step of ['accept', 'picked-up']) await courier.post(`/v1/courier/deliveries/${jobs.current.id}/${step}`);
    await expect.poll(() => statusOf(orderId), slow).toBe('PICKED_UP');
    const res = await customer.post<{ error: { code: string } }>(`/v1/orders/${orderId}/cancel`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ORDO_ERR_ORDER_NOT_CANCELLABLE');
    await courier.post(`/v1/courier/deliveries/${jobs.current.id}/delivered`);
    await expect.poll(() => statusOf(orderId), slow).toBe('DELIVERED');
  }, 120_000);

  it('when requests are malformed, then each gets its 4xx with a stable code and no order is written', async () => {
    const restaurantId = restaurants[0]!.id;
    const menuItemId = itemOf(restaurantId);
    // Orders are listed from the read side: read the new one with the version its POST returned,
    // so the list counted next already holds it.
    const placedId = await order(restaurantId);
    expect((await customer.get(`/v1/orders/${placedId}?minVersion=1`)).status).toBe(200);
    const before = (await customer.get<{ orders: unknown[] }>('/v1/orders?limit=100')).body.orders.length;
    const valid = {
      restaurantId,
      items: [{ menuItemId, quantity: 1 }],
      deliveryAddress: address,
      paymentToken: 'tok_visa',
    };
    const json = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body });
    type Outcome = { status: number; body: { error?: { code: string } } };
    const cases: Array<[string, () => Promise<Outcome>, number, string]> = [
      [
        'malformed JSON',
        () => customer.raw('/v1/orders', json('{"restaurantId": ')),
        400,
        'ORDO_ERR_HTTP_MALFORMED_JSON',
      ],
      [
        'wrong content type',
        () => customer.raw('/v1/orders', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }),
        415,
        'ORDO_ERR_HTTP_UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'unknown restaurant',
        () => customer.raw('/v1/orders', json(JSON.stringify({ ...valid, restaurantId: 'rst-nowhere' }))),
        422,
        'ORDO_ERR_ORDER_UNKNOWN_RESTAURANT',
      ],
      [
        'unknown item',
        () =>
          customer.raw(
            '/v1/orders',
            json(JSON.stringify({ ...valid, items: [{ menuItemId: 'itm-nothing', quantity: 1 }] })),
          ),
        422,
        'ORDO_ERR_ORDER_UNKNOWN_ITEM',
      ],
      [
        'quantity 0',
        () => customer.raw('/v1/orders', json(JSON.stringify({ ...valid, items: [{ menuItemId, quantity: 0 }] }))),
        400,
        'ORDO_ERR_HTTP_VALIDATION',
      ],
      [
        'quantity 10,000',
        () => customer.raw('/v1/orders', json(JSON.stringify({ ...valid, items: [{ menuItemId, quantity: 10_000 }] }))),
        400,
        'ORDO_ERR_HTTP_VALIDATION',
      ],
      [
        '1 MB body',
        () =>
          postOversized(
            `${e2e.url}/v1/orders`,
            customer.token,
            JSON.stringify({ ...valid, paymentToken: 'x'.repeat(1_100_000) }),
          ) as Promise<Outcome>,
        413,
        'ORDO_ERR_HTTP_BODY_TOO_LARGE',
      ],
      [
        'unknown field',
        () => customer.raw('/v1/orders', json(JSON.stringify({ ...valid, discount: 100 }))),
        400,
        'ORDO_ERR_HTTP_VALIDATION',
      ],
      [
        'no token',
        async () => {
          const r = await fetch(`${e2e.url}/v1/orders`, json(JSON.stringify(valid)));
          return { status: r.status, body: (await r.json()) as Outcome['body'] };
        },
        401,
        'ORDO_ERR_AUTH_UNAUTHENTICATED',
      ],
    ];
    for (const [name, send, status, code] of cases) {
      const res = await send();
      expect({ name, status: res.status, code: res.body.error?.code }).toEqual({ name, status, code });
    }
    const courier = await e2e.loginAs('courier');
    const asCourier = await courier.post<{ error: { code: string } }>('/v1/orders', valid);
    expect({ status: asCourier.status, code: asCourier.body.error.code }).toEqual({
      status: 403,
      code: 'ORDO_ERR_AUTH_FORBIDDEN',
    });
    expect((await customer.get<{ orders: unknown[] }>('/v1/orders?limit=100')).body.orders.length).toBe(before);
  }, 120_000);
});

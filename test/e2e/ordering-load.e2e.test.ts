// 200 orders at once for 50 couriers, on both runtime shapes: dispatch never gives a courier two
// active deliveries, and every order ends confirmed (with its own courier), cancelled or rejected;
// none is left pending without a live saga.
import { demoCouriers, seedCouriers } from '@ordo/cli/host';
import { createPgDb, type Db } from '@ordo/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type E2eEnv, SHAPES, startShape } from './support/shapes.js';

const ORDERS = 200;
const COURIERS = 50;
const address = { line1: 'Alexanderplatz 1', lat: 52.5219, lng: 13.4132 };

interface OrderView {
  id: string;
  status: string;
  courierId: string | null;
}

describe.each(SHAPES)('200 concurrent orders for 50 couriers, %s shape', (shape) => {
  let e2e: E2eEnv;
  let customer: Client;
  let operator: Client;
  let deliveryDb: Db;
  let closeDeliveryDb = async () => {};

  beforeAll(async () => {
    // A short courier wait, so the 150 orders without a courier are compensated within the test.
    e2e = await startShape(shape, { courierWaitMs: 8_000 });
    if (e2e.host) {
      deliveryDb = e2e.host.db;
    } else {
      const db = createPgDb({ connectionString: e2e.cluster!.databaseUrls.delivery, max: 2 });
      deliveryDb = db;
      closeDeliveryDb = () => db.close();
    }
    // The demo has 8 couriers; 42 more (no logins needed: nobody picks up in this test).
    const { rows } = await deliveryDb.query<{ n: number }>('SELECT count(*)::int AS n FROM delivery.couriers');
    const extra = Array.from({ length: COURIERS - (rows[0]?.n ?? 0) }, (_, i) => `load-courier-${i}`);
    await seedCouriers(deliveryDb, demoCouriers(extra));
    customer = await e2e.loginAs('customer');
    operator = await e2e.loginAs('operator');
  }, 180_000);
  afterAll(async () => {
    await closeDeliveryDb();
    await e2e?.close();
  });

  it('when 200 orders arrive at once, then no courier is double-booked and every order ends or has a live saga', async () => {
    const { body } = await customer.get<{ restaurants: Array<{ id: string; openNow: boolean }> }>('/v1/restaurants');
    const open = body.restaurants.filter((r) => r.openNow);
    const items = new Map<string, string>();
    for (const r of open) {
      const menu = await customer.get<{ items: Array<{ id: string; available: boolean }> }>(
        `/v1/restaurants/${r.id}/menu`,
      );
      items.set(r.id, menu.body.items.find((i) => i.available)!.id);
    }
    const body200 = (i: number) => {
      const restaurantId = open[i % open.length]!.id;
      return {
        restaurantId,
        items: [{ menuItemId: items.get(restaurantId)!, quantity: 1 }],
        deliveryAddress: address,
        paymentToken: 'tok_visa',
      };
    };
    // The order service learns menus from events: one order first, once it is accepted the rest at once.
    await expect
      .poll(async () => (await customer.post('/v1/orders', body200(0))).status, { timeout: 60_000 })
      .toBe(202);
    const placed = await Promise.all(
      Array.from({ length: ORDERS - 1 }, (_, i) => customer.post<{ id: string }>('/v1/orders', body200(i + 1))),
    );
    expect(placed.map((p) => p.status).filter((s) => s !== 202)).toEqual([]);

    // Every page of the customer's orders (keyset pagination, 100 at most per page).
    const allOrders = async () => {
      const all: OrderView[] = [];
      let after: string | null = null;
      do {
        const query: string = after ? `?limit=100&after=${encodeURIComponent(after)}` : '?limit=100';
        const { body: page } = await customer.get<{ orders: OrderView[]; next: string | null }>(`/v1/orders${query}`);
        all.push(...page.orders);
        after = page.next;
      } while (after);
      return all;
    };
    await expect
      .poll(async () => (await allOrders()).filter((o) => o.status === 'APPROVAL_PENDING').length, {
        timeout: 300_000,
        interval: 1_000,
      })
      .toBe(0);

    const orders = await allOrders();
    expect(orders).toHaveLength(ORDERS);
    const confirmed = orders.filter((o) => o.status === 'CONFIRMED');
    expect(orders.filter((o) => !['CONFIRMED', 'CANCELLED', 'REJECTED'].includes(o.status))).toEqual([]);
    // Nobody picks up in this test, so every confirmed order holds its courier: all different.
    expect(confirmed.length).toBeGreaterThan(0);
    expect(confirmed.length).toBeLessThanOrEqual(COURIERS);
    expect(new Set(confirmed.map((o) => o.courierId)).size).toBe(confirmed.length);

    // The delivery service's own records agree: one active delivery per courier at most.
    const doubled = await deliveryDb.query(
      `SELECT courier_id, count(*)::int AS n FROM delivery.deliveries
        WHERE status IN ('ASSIGNED', 'ACCEPTED', 'PICKED_UP') GROUP BY courier_id HAVING count(*) > 1`,
    );
    expect(doubled.rows).toEqual([]);
    const active = await deliveryDb.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM delivery.deliveries WHERE status IN ('ASSIGNED', 'ACCEPTED', 'PICKED_UP')",
    );
    expect(active.rows[0]?.n).toBe(confirmed.length);

    // No saga is left running or parked.
    for (const status of ['RUNNING', 'COMPENSATING', 'COMPENSATION_FAILED', 'FORWARD_FAILED']) {
      const { body: page } = await operator.get<{ sagas: unknown[] }>(`/v1/ops/sagas?status=${status}&limit=200`);
      expect({ status, sagas: page.sagas.length }).toEqual({ status, sagas: 0 });
    }
  }, 420_000);
});

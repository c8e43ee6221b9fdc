// The ordering flow end to end on both runtime shapes, driven over HTTP like a real client.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { rotateDatabases } from '@ordo/cli/cluster';
import { hostKeyring } from '@ordo/cli/host';
import { createPgDb } from '@ordo/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kitchenTicketStatus } from './support/ordering.js';
import { type Client, type E2eEnv, SHAPES, startShape } from './support/shapes.js';

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
    // Data keys re-read every quarter second, so the rotation test sees new keys in use (ADR 0023).
    e2e = await startShape(shape, { dataKeyMaxAgeMs: 250 });
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

  /** The sealed name of an account, read from the gateway's database. */
  async function sealedNameOf(userId: string): Promise<string | undefined> {
    const db = e2e.host?.db ?? createPgDb({ connectionString: e2e.cluster!.databaseUrls.gateway, max: 1 });
    try {
      const { rows } = await db.query<{ name: string }>('SELECT name FROM gateway.users WHERE id = $1', [userId]);
      return rows[0]?.name;
    } finally {
      if (!e2e.host) await db.close();
    }
  }

  it('when signing keys and data keys rotate twice while customers order, then every order completes, no request fails and no sealed value fails to open', async () => {
    // The order service knows the menus (the helper waits until it takes orders); this one is not counted.
    const warmUp = await placeOrder();
    const warmUpUrl = `/v1/orders/${warmUp.order.id}`;
    await expect
      .poll(async () => (await warmUp.customer.get<OrderView>(warmUpUrl)).body.status, slow)
      .toBe('CONFIRMED');
    expect((await warmUp.customer.post(`${warmUpUrl}/cancel`)).status).toBe(202);
    const { body: list } = await (await e2e.loginAs('customer')).get<{
      restaurants: Array<{ id: string; openNow: boolean }>;
    }>('/v1/restaurants');
    const restaurantId = list.restaurants.find((r) => r.openNow)!.id;
    const customers = await Promise.all(
      Array.from({ length: 3 }, async (_, i) => {
        const email = `rotation-${i}-${randomBytes(3).toString('hex')}@example.com`;
        const res = await fetch(`${e2e.url}/v1/auth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: 'correct horse battery', name: `Rotation ${i}` }),
        });
        expect(res.status).toBe(201);
        return { email, client: await e2e.login(email, 'correct horse battery') };
      }),
    );
    const { body: menu } = await customers[0]!.client.get<{ items: Array<{ id: string; available: boolean }> }>(
      `/v1/restaurants/${restaurantId}/menu`,
    );
    const menuItemId = menu.items.find((i) => i.available)!.id;

    const failures: string[] = [];
    const check = (what: string, status: number, ok: number) => {
      if (status !== ok) failures.push(`${what}: ${status}`);
    };
    let rotating = true;
    const completed: string[] = [];
    // One order at a time per customer: placed, read back in clear once confirmed, then cancelled
    // (its courier is free again for the next one).
    const orderLoop = async (customer: Client, n: number) => {
      for (let round = 0; rotating || round < 2; round++) {
        const line1 = `Rotationsweg ${n}-${round}`;
        const placed = await customer.post<{ id: string }>('/v1/orders', {
          restaurantId,
          items: [{ menuItemId, quantity: 1 }],
          deliveryAddress: { line1, lat: 52.5, lng: 13.4 },
          contact: { name: `Rotation ${n}`, phone: '+49 30 1234567' },
          paymentToken: 'tok_visa',
        });
        check('place', placed.status, 202);
        if (placed.status !== 202) continue;
        const id = placed.body.id;
        await expect
          .poll(async () => {
            // With the write's version: the read waits for the view rather than answering 404.
            const res = await customer.get<{ status: string }>(`/v1/orders/${id}?minVersion=1`);
            check('read', res.status, 200);
            return res.body.status;
          }, slow)
          .toBe('CONFIRMED');
        const read = await customer.get<{ deliveryAddress: { line1: string }; contact: { name: string } }>(
          `/v1/orders/${id}`,
        );
        check('read', read.status, 200);
        expect(read.body.deliveryAddress.line1).toBe(line1);
        expect(read.body.contact.name).toBe(`Rotation ${n}`);
        check('cancel', (await customer.post(`/v1/orders/${id}/cancel`)).status, 202);
        await expect
          .poll(async () => (await customer.get<{ status: string }>(`/v1/orders/${id}`)).body.status, slow)
          .toBe('CANCELLED');
        completed.push(id);
      }
    };

    const operator = await e2e.loginAs('operator');
    const rotate = async () => {
      if (e2e.cluster) {
        // What `ordo keys rotate --cluster <stateDir>` does: every database, the cluster's dev master key.
        const stateDir = dirname(dirname(e2e.cluster.processes.get('gateway')!.logFile));
        const report = await rotateDatabases(Object.values(e2e.cluster.databaseUrls), await hostKeyring({}, stateDir));
        return { signing: report.signing!, dataKeys: report.dataKeys };
      }
      const res = await operator.post<{ signing: { kid: string }; dataKeys: Record<string, unknown> }>(
        '/v1/ops/keys/rotate',
      );
      check('rotate', res.status, 200);
      return res.body;
    };
    const rotations = (async () => {
      try {
        const done: Array<{ signing: { kid: string }; dataKeys: Record<string, unknown> }> = [];
        for (let i = 0; i < 2; i++) {
          const before = completed.length;
          await expect.poll(() => completed.length, slow).toBeGreaterThan(before);
          done.push(await rotate());
        }
        return done;
      } finally {
        rotating = false;
      }
    })();
    const [done] = await Promise.all([rotations, ...customers.map((c, n) => orderLoop(c.client, n))]);

    expect(failures).toEqual([]);
    expect(done).toHaveLength(2);
    expect(new Set(done.map((r) => r.signing.kid)).size).toBe(2);
    for (const rotation of done) {
      expect(Object.keys(rotation.dataKeys)).toEqual(
        expect.arrayContaining(['gateway', 'order_svc', 'delivery', 'query', 'audit']),
      );
    }
    expect(completed.length).toBeGreaterThanOrEqual(6);
    // Within their cache age the processes seal with the newest data key: a new account's name here.
    const newest = (done[1]!.dataKeys.gateway as { current: { account: string } }).current.account;
    await expect
      .poll(async () => {
        const email = `after-rotation-${randomBytes(3).toString('hex')}@example.com`;
        const res = await fetch(`${e2e.url}/v1/auth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: 'correct horse battery', name: 'After Rotation' }),
        });
        check('register', res.status, 201);
        const { id } = (await res.json()) as { id: string };
        return (await sealedNameOf(id))?.split('.')[3];
      }, slow)
      .toBe(newest);
    // Tokens signed before the rotations still verify; a fresh login gets a token of the new key.
    for (const { email, client } of customers) {
      expect((await client.get('/v1/me')).status).toBe(200);
      expect((await (await e2e.login(email, 'correct horse battery')).get('/v1/me')).status).toBe(200);
    }
    if (e2e.host) {
      expect(e2e.host.fieldKeys.openFailures).toBe(0);
    } else {
      for (const process of e2e.cluster!.processes.values()) {
        const log = await readFile(process.logFile, 'utf8');
        expect(log, process.service).not.toContain('ORDO_ERR_CRYPTO_OPEN_FAILED');
      }
    }
  }, 240_000);
});

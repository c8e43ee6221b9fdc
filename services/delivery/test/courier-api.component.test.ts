// The courier app's and operators' HTTP API, in-process: PGlite, the in-memory transport.
import type { Role } from '@ordo/auth';
import type { Db } from '@ordo/db';
import { Errors } from '@ordo/errors';
import { createTestPgliteDb, MemoryTransport } from '@ordo/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { courier, type Harness, LISBON, offset, startHarness } from './support/harness.js';
import { as } from './support/test-auth.js';

describe('delivery: courier and operator HTTP API', () => {
  let h: Harness;
  let db: Db;
  beforeEach(async () => {
    db = await createTestPgliteDb();
    h = await startHarness(db, new MemoryTransport(), [
      courier('ana', LISBON),
      courier('rui', offset(LISBON, 2)),
      courier('idle', offset(LISBON, 3), false),
    ]);
  });
  afterEach(async () => {
    await h.close();
    await db.close();
  });

  const call = (
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    userId: string,
    payload?: object,
    role: Role = 'courier',
  ) => h.app.inject({ method, url, headers: as(userId, role), ...(payload === undefined ? {} : { payload }) });

  async function assignedDelivery(sagaId = 'saga-1'): Promise<string> {
    await h.assign(sagaId);
    await expect.poll(async () => (await h.replies()).length).toBeGreaterThan(0);
    const reply = (await h.replies()).find((r) => r.payload.sagaId === sagaId);
    return reply!.payload.deliveryId as string;
  }

  it('when the courier accepts, picks up and delivers, then each step answers the new state, pickup and delivery are published with the order flow correlation, and jobs show it', async () => {
    const id = await assignedDelivery();
    const jobs = await call('GET', '/v1/courier/jobs', 'ana');
    expect(jobs.json()).toMatchObject({ current: { id, status: 'ASSIGNED', orderId: 'order-saga-1' }, recent: [] });

    expect((await call('POST', `/v1/courier/deliveries/${id}/accept`, 'ana')).json()).toMatchObject({
      status: 'ACCEPTED',
    });
    const picked = await call('POST', `/v1/courier/deliveries/${id}/picked-up`, 'ana');
    expect(picked.json()).toMatchObject({ status: 'PICKED_UP', pickedUpAt: h.clock.now().toISOString() });
    // A repeat (lost response, the app retries) answers the same state and publishes nothing.
    expect((await call('POST', `/v1/courier/deliveries/${id}/picked-up`, 'ana')).statusCode).toBe(200);
    h.clock.advance(600_000);
    expect((await call('POST', `/v1/courier/deliveries/${id}/delivered`, 'ana')).json()).toMatchObject({
      status: 'DELIVERED',
    });

    const events = await h.events();
    expect(events.map((e) => [e.type, e.key, e.seq])).toEqual([
      ['delivery.assigned.v1', id, 1],
      ['delivery.picked_up.v1', id, 2],
      ['delivery.delivered.v1', id, 3],
    ]);
    expect(events[0]).toMatchObject({
      payload: {
        deliveryId: id,
        orderId: 'order-saga-1',
        courierId: 'courier-ana',
        courierUserId: 'ana',
        courierName: 'ana',
      },
      correlation_id: 'corr-saga-1',
    });
    expect(events[1]).toMatchObject({
      payload: { deliveryId: id, orderId: 'order-saga-1', courierId: 'courier-ana' },
      correlation_id: 'corr-saga-1',
    });
    expect(events[2]?.payload.at).toBe(h.clock.now().toISOString());
    const after = (await call('GET', '/v1/courier/jobs', 'ana')).json();
    expect(after).toMatchObject({ current: null, recent: [{ id, status: 'DELIVERED' }] });
  });

  it('when a step is taken out of order, then 409 ORDO_ERR_DELIVERY_ILLEGAL_TRANSITION and nothing changes', async () => {
    const id = await assignedDelivery();
    const res = await call('POST', `/v1/courier/deliveries/${id}/delivered`, 'ana');
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: Errors.DELIVERY_ILLEGAL_TRANSITION.code,
      details: { status: 'ASSIGNED' },
    });
    // Only the assignment was published.
    expect((await h.events()).map((e) => e.type)).toEqual(['delivery.assigned.v1']);
  });

  it("when a courier acts on another courier's delivery, then 404 ORDO_ERR_DELIVERY_NOT_FOUND, as for one that does not exist", async () => {
    const id = await assignedDelivery();
    for (const url of [`/v1/courier/deliveries/${id}/accept`, '/v1/courier/deliveries/no-such-id/accept']) {
      const res = await call('POST', url, 'rui');
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe(Errors.DELIVERY_NOT_FOUND.code);
    }
    expect((await call('GET', '/v1/courier/jobs', 'rui')).json()).toEqual({ current: null, recent: [] });
    const { rows } = await db.query('SELECT status FROM delivery.deliveries');
    expect(rows).toEqual([{ status: 'ASSIGNED' }]);
  });

  it('when the input is bad, then 400 with a stable code and nothing is written', async () => {
    const before = await db.query('SELECT * FROM delivery.couriers ORDER BY id');
    const bad: Array<[method: 'POST' | 'PUT', url: string, payload: object | undefined, code: string]> = [
      ['POST', '/v1/courier/position', { lat: 200, lng: 0 }, Errors.VALIDATION.code],
      ['POST', '/v1/courier/position', { lat: 38.7 }, Errors.VALIDATION.code],
      ['POST', '/v1/courier/position', { lat: 38.7, lng: -9.1, speed: 3 }, Errors.VALIDATION.code],
      ['PUT', '/v1/courier/availability', { available: 'yes' }, Errors.VALIDATION.code],
      ['PUT', '/v1/courier/availability', [], Errors.VALIDATION.code],
      ['POST', `/v1/courier/deliveries/${'x'.repeat(101)}/accept`, undefined, Errors.VALIDATION.code],
    ];
    for (const [method, url, payload, code] of bad) {
      const res = await call(method, url, 'ana', payload);
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)}`).toBe(400);
      expect(res.json().error.code).toBe(code);
    }
    const malformed = await h.app.inject({
      method: 'POST',
      url: '/v1/courier/position',
      headers: { ...as('ana'), 'content-type': 'application/json' },
      payload: '{"lat": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe(Errors.MALFORMED_JSON.code);
    const issues = (await call('POST', '/v1/courier/position', 'ana', { lat: 200, lng: 0 })).json().error.details;
    expect(issues).toMatchObject({ in: 'body', issues: [{ path: '/lat' }] });

    expect((await db.query('SELECT * FROM delivery.couriers ORDER BY id')).rows).toEqual(before.rows);
    expect((await db.query('SELECT count(*)::int AS n FROM delivery.outbox')).rows).toEqual([{ n: 0 }]);
  });

  it('when the courier reports a position and goes off and on shift, then the operators see it, and coming on shift takes the waiting request', async () => {
    const moved = offset(LISBON, 0.5, 0.5);
    const pos = await call('POST', '/v1/courier/position', 'idle', moved);
    expect(pos.statusCode).toBe(200);
    expect(pos.json()).toMatchObject({ courierId: 'courier-idle', position: moved });

    // Ana and Rui go off shift: nobody is free, the request waits.
    for (const user of ['ana', 'rui']) {
      const res = await call('PUT', '/v1/courier/availability', user, { available: false });
      expect(res.json()).toMatchObject({ available: false });
    }
    const waiting = await h.assign('saga-1');
    await expect.poll(() => h.processed(waiting)).toBe(true);
    expect(await h.replies()).toEqual([]);

    expect((await call('PUT', '/v1/courier/availability', 'idle', { available: true })).statusCode).toBe(200);
    const [reply] = await h.replies();
    expect(reply).toMatchObject({ payload: { sagaId: 'saga-1', courierId: 'courier-idle' } });

    const list = await call('GET', '/v1/couriers', 'op-1', undefined, 'operator');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({
      couriers: [
        expect.objectContaining({ id: 'courier-ana', available: false, activeDeliveryId: null, position: LISBON }),
        expect.objectContaining({
          id: 'courier-idle',
          available: true,
          activeDeliveryId: reply?.payload.deliveryId,
          position: moved,
        }),
        expect.objectContaining({ id: 'courier-rui', available: false, activeDeliveryId: null }),
      ],
      next: null,
    });
    const page = await call('GET', '/v1/couriers?limit=1&after=courier-ana', 'op-1', undefined, 'operator');
    expect(page.json()).toMatchObject({ couriers: [{ id: 'courier-idle' }], next: 'courier-idle' });
  });

  it('when the caller has the wrong role or no courier profile, then the route refuses (403 from authorize, 404 ORDO_ERR_DELIVERY_COURIER_NOT_FOUND)', async () => {
    expect((await call('GET', '/v1/couriers', 'ana')).statusCode).toBe(403);
    expect((await call('GET', '/v1/courier/jobs', 'op-1', undefined, 'operator')).statusCode).toBe(403);
    expect((await h.app.inject({ method: 'GET', url: '/v1/courier/jobs' })).statusCode).toBe(401);
    const stranger = await call('PUT', '/v1/courier/availability', 'user-without-profile', { available: true });
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json().error.code).toBe(Errors.DELIVERY_COURIER_NOT_FOUND.code);
  });
});

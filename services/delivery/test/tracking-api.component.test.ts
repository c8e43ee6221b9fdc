// Location-ping ingestion, in-process: PGlite, the in-memory transport, the test clock.
import { TrackingEvents, TrackingTopic } from '@ordo/contracts-delivery';
import type { Db } from '@ordo/db';
import { Errors } from '@ordo/errors';
import type { Envelope } from '@ordo/messaging';
import { createTestPgliteDb, MemoryTransport } from '@ordo/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { courier, type Harness, LISBON, offset, startHarness } from './support/harness.js';
import { as } from './support/test-auth.js';

describe('delivery: live-tracking ingestion', () => {
  let h: Harness;
  let db: Db;
  let transport: MemoryTransport;
  beforeEach(async () => {
    db = await createTestPgliteDb();
    transport = new MemoryTransport();
    h = await startHarness(db, transport, [courier('ana', LISBON), courier('rui', offset(LISBON, 5))]);
  });
  afterEach(async () => {
    await h.close();
    await db.close();
  });

  const post = (userId: string, payload: object, role: 'courier' | 'customer' = 'courier') =>
    h.app.inject({ method: 'POST', url: '/v1/couriers/me/locations', headers: as(userId, role), payload });

  /** Everything on the tracking stream, read by a group of the test's own. */
  async function stream(): Promise<Envelope[]> {
    const subscription = await transport.subscribe({
      topic: TrackingTopic,
      group: `t-${Math.random()}`,
      ackWaitMs: 60_000,
    });
    const deliveries = await subscription.fetch(1_000, 10);
    await subscription.close();
    return deliveries.map((d) => JSON.parse(d.message.body) as Envelope);
  }

  async function anaDelivery(): Promise<string> {
    await h.assign('saga-1');
    await expect.poll(async () => (await h.replies()).length).toBe(1);
    const [reply] = await h.replies();
    return reply!.payload.deliveryId as string;
  }

  /** `n` pings a second apart, ending now, walking north from Lisbon. */
  function pings(n: number, from = 0): Array<{ at: string; lat: number; lng: number }> {
    const now = h.clock.now().getTime();
    return Array.from({ length: n }, (_, i) => ({
      at: new Date(now - (n - 1 - i) * 1_000).toISOString(),
      ...offset(LISBON, (from + i) * 0.01),
    }));
  }

  it('when the courier posts pings for their active delivery, then 202 after the stream holds them, keyed by the delivery', async () => {
    const deliveryId = await anaDelivery();
    const batch = [...pings(2), { ...pings(1)[0]!, heading: 90, speed: 4.5 }];
    const res = await post('ana', { deliveryId, pings: batch });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ accepted: 3 });
    const [message, ...rest] = await stream();
    expect(rest).toEqual([]);
    expect(message).toMatchObject({
      id: res.json().messageId,
      type: TrackingEvents.locationsReported.type,
      key: deliveryId,
      correlationId: 'corr-saga-1',
      payload: { deliveryId, orderId: 'order-saga-1', courierId: 'courier-ana', pings: batch },
    });
  });

  it('when the same batch is posted twice (a retry), then both answers carry the same message id', async () => {
    const deliveryId = await anaDelivery();
    const batch = pings(3);
    const first = await post('ana', { deliveryId, pings: batch });
    const second = await post('ana', { deliveryId, pings: batch });
    expect(second.statusCode).toBe(202);
    expect(second.json().messageId).toBe(first.json().messageId);
    const other = await post('ana', { deliveryId, pings: pings(3, 1) });
    expect(other.json().messageId).not.toBe(first.json().messageId);
  });

  it('when a courier posts for a delivery that is not theirs or does not exist, then 404 and nothing is published', async () => {
    const deliveryId = await anaDelivery();
    for (const [user, id] of [
      ['rui', deliveryId],
      ['ana', '01900000-0000-7000-8000-000000000000'],
    ] as const) {
      const res = await post(user, { deliveryId: id, pings: pings(1) });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe(Errors.DELIVERY_NOT_FOUND.code);
    }
    expect((await post('ana', { deliveryId, pings: pings(1) }, 'customer')).statusCode).toBe(403);
    expect(await stream()).toEqual([]);
  });

  it('when pings are malformed, out of range, from the future, too old or out of order, then 400 with a stable code and nothing is published', async () => {
    const deliveryId = await anaDelivery();
    const [ping] = pings(1);
    const now = h.clock.now().getTime();
    const invalid: object[] = [
      { deliveryId, pings: [] },
      { deliveryId, pings: [{ ...ping, lat: 91 }] },
      { deliveryId, pings: [{ ...ping, lng: -181 }] },
      { deliveryId, pings: [{ ...ping, heading: 360 }] },
      { deliveryId, pings: [{ ...ping, speed: -1 }] },
      { deliveryId, pings: [{ ...ping, at: 'yesterday' }] },
      { deliveryId, pings: [{ ...ping, altitude: 3 }] },
      { deliveryId, pings: pings(101) },
      { deliveryId, pings: [ping], extra: true },
      { pings: [ping] },
    ];
    for (const body of invalid) {
      const res = await post('ana', body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 120)).toBe(400);
      expect(res.json().error.code).toBe(Errors.VALIDATION.code);
    }
    const rejected: object[] = [
      [{ ...ping, at: new Date(now + 60_000).toISOString() }],
      [{ ...ping, at: new Date(now - 3_600_000).toISOString() }],
      [...pings(2)].reverse(),
    ];
    for (const batch of rejected) {
      const res = await post('ana', { deliveryId, pings: batch });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe(Errors.TRACKING_PING_REJECTED.code);
    }
    expect(await stream()).toEqual([]);
  });

  it('when the delivery is finished, then pings for it are refused with 409 and nothing is published', async () => {
    const deliveryId = await anaDelivery();
    for (const step of ['accept', 'picked-up', 'delivered']) {
      const res = await h.app.inject({
        method: 'POST',
        url: `/v1/courier/deliveries/${deliveryId}/${step}`,
        headers: as('ana', 'courier'),
      });
      expect(res.statusCode).toBe(200);
    }
    const res = await post('ana', { deliveryId, pings: pings(1) });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: Errors.DELIVERY_ILLEGAL_TRANSITION.code,
      details: { status: 'DELIVERED' },
    });
    expect(await stream()).toEqual([]);
  });
});

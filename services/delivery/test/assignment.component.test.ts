// Saga step 4 through the service's command consumer: PGlite, the in-memory transport.
import type { Db } from '@ordo/db';
import { createTestPgliteDb, MemoryTransport } from '@ordo/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { courier, type Harness, LISBON, offset, startHarness } from './support/harness.js';
import { as } from './support/test-auth.js';

describe('delivery: assigning couriers (saga step 4)', () => {
  let h: Harness;
  let db: Db;
  afterEach(async () => {
    await h?.close();
    await db?.close();
  });

  /** What the service runs on its database: each transaction's statements, and the lone reads of the requests table. */
  let seen: { transactions: string[][]; requestReads: number };

  /** `db`, recording into `seen` (the timer's "anything waiting?" is a lone read of the requests). */
  function watched(inner: Db): Db {
    return {
      ...inner,
      query: (text, params, options) => {
        if (text.includes('assignment_requests')) seen.requestReads++;
        return inner.query(text, params, options);
      },
      transaction: (fn, options) =>
        inner.transaction((tx) => {
          const statements: string[] = [];
          seen.transactions.push(statements);
          return fn({
            ...tx,
            query: (text, params, queryOptions) => {
              statements.push(text);
              return tx.query(text, params, queryOptions);
            },
          });
        }, options),
    };
  }

  async function start(couriers: Parameters<typeof startHarness>[2], timeoutMs = 60_000) {
    db = await createTestPgliteDb();
    seen = { transactions: [], requestReads: 0 };
    h = await startHarness(watched(db), new MemoryTransport(), couriers, { assignmentTimeoutMs: timeoutMs });
    seen = { transactions: [], requestReads: 0 }; // not the migrations
    return h;
  }

  const deliveriesOf = async () =>
    (
      await db.query<{ id: string; order_id: string; courier_id: string; status: string }>(
        'SELECT id, order_id, courier_id, status FROM delivery.deliveries ORDER BY assigned_at, id',
      )
    ).rows;

  async function walk(userId: string, deliveryId: string, steps: string[]) {
    for (const step of steps) {
      const res = await h.app.inject({
        method: 'POST',
        url: `/v1/courier/deliveries/${deliveryId}/${step}`,
        headers: as(userId),
      });
      expect(res.statusCode, res.body).toBe(200);
    }
  }

  it('when couriers are free, then the nearest available one gets the delivery and courierAssigned is replied', async () => {
    await start([
      courier('far', offset(LISBON, 2.5)),
      courier('near', offset(LISBON, 0, 0.4)),
      courier('mid', offset(LISBON, -1.2)),
      courier('off-shift', LISBON, false),
    ]);
    const command = await h.assign('saga-1', { pickup: offset(LISBON, 0.1) });
    await expect.poll(h.replies).toHaveLength(1);
    const [delivery] = await deliveriesOf();
    expect(delivery).toMatchObject({ order_id: 'order-saga-1', courier_id: 'courier-near', status: 'ASSIGNED' });
    const [reply] = await h.replies();
    expect(reply).toMatchObject({
      type: 'delivery.courier_assigned.v1',
      key: 'saga-1',
      payload: {
        sagaId: 'saga-1',
        commandId: 'saga-1:assign-courier',
        deliveryId: delivery?.id,
        courierId: 'courier-near',
      },
      correlation_id: 'corr-saga-1',
      causation_id: command.id,
    });
  });

  it('when the same command id comes twice, then one delivery exists and both replies are identical', async () => {
    await start([courier('a', LISBON), courier('b', offset(LISBON, 1))]);
    await h.assign('saga-1');
    await expect.poll(h.replies).toHaveLength(1);
    const retry = await h.assign('saga-1');
    await expect.poll(h.replies).toHaveLength(2);
    expect(await deliveriesOf()).toHaveLength(1);
    const [first, second] = await h.replies();
    expect(second?.payload).toEqual(first?.payload);
    expect(second?.type).toBe(first?.type);
    expect(second?.causation_id).toBe(retry.id);
  });

  it('when no courier is free, then the request waits, a retry of it sends nothing, and it is assigned (FIFO) when a courier delivers', async () => {
    await start([courier('only', LISBON)]);
    await h.assign('saga-a');
    await expect.poll(h.replies).toHaveLength(1);
    await h.assign('saga-b');
    const retryB = await h.assign('saga-b');
    await h.assign('saga-c');
    const waiting = async () =>
      (
        await db.query<{ saga_id: string }>(
          `SELECT saga_id FROM delivery.assignment_requests WHERE status = 'WAITING' ORDER BY id`,
        )
      ).rows.map((r) => r.saga_id);
    await expect.poll(waiting).toEqual(['saga-b', 'saga-c']);
    await expect.poll(() => h.processed(retryB)).toBe(true);
    expect(await h.replies()).toHaveLength(1);
    const deferred = await db.query<{ saga_id: string }>('SELECT saga_id FROM delivery.deferred_commands ORDER BY 1');
    expect(deferred.rows).toEqual([{ saga_id: 'saga-b' }, { saga_id: 'saga-c' }]);

    const [first] = await deliveriesOf();
    await walk('only', first!.id, ['accept', 'picked-up', 'delivered']);
    const replies = await h.replies();
    expect(replies).toHaveLength(2);
    expect(replies[1]).toMatchObject({
      type: 'delivery.courier_assigned.v1',
      payload: { sagaId: 'saga-b', courierId: 'courier-only' },
      correlation_id: 'corr-saga-b',
    });
    const statuses = (await deliveriesOf()).map((d) => [d.order_id, d.status]);
    expect(statuses).toEqual([
      ['order-saga-a', 'DELIVERED'],
      ['order-saga-b', 'ASSIGNED'],
    ]);
  });

  it('when no courier frees up before the deadline, then assignmentFailed no_courier is replied, and a retry gets the same reply', async () => {
    await start([courier('only', LISBON)], 30_000);
    await h.assign('saga-a');
    const waiting = await h.assign('saga-b');
    await expect.poll(() => h.processed(waiting)).toBe(true);
    h.clock.advance(29_000);
    // Timer ticks inside the deadline decide nothing: two more ticks, and still one reply.
    const ticks = seen.requestReads;
    await expect.poll(() => seen.requestReads).toBeGreaterThanOrEqual(ticks + 2);
    expect(await h.replies()).toHaveLength(1);
    h.clock.advance(1_000);
    await expect.poll(h.replies).toHaveLength(2);
    const failed = (await h.replies())[1];
    expect(failed).toMatchObject({
      type: 'delivery.assignment_failed.v1',
      payload: { sagaId: 'saga-b', commandId: 'saga-b:assign-courier', reason: 'no_courier' },
      causation_id: waiting.id,
    });
    await h.assign('saga-b');
    await expect.poll(h.replies).toHaveLength(3);
    expect((await h.replies())[2]?.payload).toEqual(failed?.payload);
    expect(await deliveriesOf()).toHaveLength(1);
  });

  it('when no request waits, then a timer tick is one read and no transaction; a waiting request is still decided by the timer', async () => {
    await start([courier('only', LISBON)], 30_000);
    await expect.poll(() => seen.requestReads, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    expect(seen.transactions.filter((t) => t.some((text) => text.includes('assignment_requests')))).toEqual([]);

    await h.assign('saga-a');
    const waiting = await h.assign('saga-b');
    await expect.poll(() => h.processed(waiting)).toBe(true);
    h.clock.advance(30_000);
    await expect.poll(h.replies).toHaveLength(2);
    expect((await h.replies())[1]?.payload).toMatchObject({ sagaId: 'saga-b', reason: 'no_courier' });
  });

  it('when a delivery is cancelled, then the courier is released and takes the next waiting request', async () => {
    await start([courier('only', LISBON)]);
    await h.assign('saga-a');
    await expect.poll(h.replies).toHaveLength(1);
    const [delivery] = await deliveriesOf();
    await walk('only', delivery!.id, ['accept']);
    await h.assign('saga-b');
    await h.cancel('saga-a');
    await expect.poll(h.replies).toHaveLength(3);
    const replies = await h.replies();
    const cancelled = replies.find((r) => r.type === 'delivery.cancelled.v1');
    const assigned = replies.find((r) => r.payload.sagaId === 'saga-b');
    expect(cancelled).toMatchObject({
      type: 'delivery.cancelled.v1',
      payload: { sagaId: 'saga-a', commandId: 'saga-a:cancel-delivery', deliveryId: delivery!.id },
    });
    expect(assigned).toMatchObject({
      type: 'delivery.courier_assigned.v1',
      payload: { sagaId: 'saga-b', courierId: 'courier-only' },
    });
    expect((await deliveriesOf()).map((d) => d.status)).toEqual(['CANCELLED', 'ASSIGNED']);
  });

  it('when the order of a waiting request is cancelled, then the request is dropped, its saga gets assignmentFailed, and the cancel replies deliveryId null', async () => {
    await start([courier('only', LISBON)]);
    await h.assign('saga-a');
    await h.assign('saga-b');
    await h.cancel('saga-b');
    await expect.poll(h.replies).toHaveLength(3);
    const [, failed, cancelled] = await h.replies();
    expect(failed).toMatchObject({ type: 'delivery.assignment_failed.v1', payload: { sagaId: 'saga-b' } });
    expect(cancelled).toMatchObject({ type: 'delivery.cancelled.v1', payload: { sagaId: 'saga-b', deliveryId: null } });
    const [first] = await deliveriesOf();
    await walk('only', first!.id, ['accept', 'picked-up', 'delivered']);
    // The freed courier is not given the cancelled order.
    expect(await deliveriesOf()).toHaveLength(1);
    expect(await h.replies()).toHaveLength(3);
  });

  it('when nothing exists for the order, then cancel replies deliveryCancelled null, and a late assign for it is refused', async () => {
    await start([courier('only', LISBON)]);
    await h.cancel('saga-x');
    await expect.poll(h.replies).toHaveLength(1);
    expect((await h.replies())[0]).toMatchObject({
      type: 'delivery.cancelled.v1',
      payload: { sagaId: 'saga-x', commandId: 'saga-x:cancel-delivery', deliveryId: null },
    });
    await h.assign('saga-x');
    await expect.poll(h.replies).toHaveLength(2);
    expect((await h.replies())[1]).toMatchObject({ type: 'delivery.assignment_failed.v1' });
    expect(await deliveriesOf()).toEqual([]);
  });

  it('when a cancel comes after pickup or delivery, then cancellationRefused names why, a retry gets the same reply, and nothing changes', async () => {
    await start([courier('only', LISBON)]);
    await h.assign('saga-a');
    await expect.poll(h.replies).toHaveLength(1);
    const [delivery] = await deliveriesOf();
    await walk('only', delivery!.id, ['accept', 'picked-up']);
    await h.cancel('saga-a');
    await expect.poll(h.replies).toHaveLength(2);
    const refused = (await h.replies())[1];
    expect(refused).toMatchObject({
      type: 'delivery.cancellation_refused.v1',
      payload: {
        sagaId: 'saga-a',
        commandId: 'saga-a:cancel-delivery',
        deliveryId: delivery!.id,
        reason: 'already_picked_up',
      },
    });
    await h.cancel('saga-a');
    await expect.poll(h.replies).toHaveLength(3);
    expect((await h.replies())[2]?.payload).toEqual(refused?.payload);
    expect((await deliveriesOf())[0]?.status).toBe('PICKED_UP');
    expect((await db.query('SELECT 1 FROM delivery.cancelled_orders')).rows).toEqual([]);

    await walk('only', delivery!.id, ['delivered']);
    await h.cancel('saga-a', { commandId: 'saga-a:cancel-order' });
    await expect.poll(h.replies).toHaveLength(4);
    expect((await h.replies())[3]?.payload).toMatchObject({ reason: 'already_delivered' });
    expect((await db.query('SELECT 1 FROM delivery.dead_letters')).rows).toEqual([]);
  });

  it('when a second active delivery is written for a courier behind the code, then the database refuses it', async () => {
    await start([courier('only', LISBON)]);
    await h.assign('saga-a');
    await expect.poll(h.replies).toHaveLength(1);
    await expect(
      db.query(
        `INSERT INTO delivery.deliveries (id, order_id, saga_id, restaurant_id, courier_id, status, pickup_lat,
           pickup_lng, dropoff_lat, dropoff_lng, dropoff_line1, correlation_id, assigned_at, updated_at)
         VALUES ('sneaky', 'order-z', 'saga-z', 'r', 'courier-only', 'ACCEPTED', 0, 0, 0, 0, 'x', 'c', now(), now())`,
      ),
    ).rejects.toThrow(/deliveries_one_active_per_courier/);
  });
});

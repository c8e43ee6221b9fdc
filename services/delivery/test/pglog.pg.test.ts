// End to end over the real transport: Postgres, the pglog log, the service's outbox relay, and
// a stand-in orchestrator that sends its commands through its own outbox and relay.
import { DeliveryCommands, DeliveryTopics } from '@ordo/contracts-delivery';
import { type Db, migrate } from '@ordo/db';
import { type Envelope, parseEnvelope, type Subscription } from '@ordo/messaging';
import { OutboxRelay, OutboxWriter, outboxMigrations } from '@ordo/outbox';
import { createTestPgDatabase, type TestPgDatabase } from '@ordo/testing';
import { createPglogTransport, type PglogTransport } from '@ordo/transport-pglog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { courier, type Harness, LISBON, offset, startHarness } from './support/harness.js';
import { as } from './support/test-auth.js';

describe('delivery over pglog on Postgres', () => {
  let database: TestPgDatabase;
  let db: Db;
  let transport: PglogTransport;
  let h: Harness;
  let orchestratorRelay: OutboxRelay;
  let replies: Subscription;
  let events: Subscription;
  const orchestrator = new OutboxWriter('orch');

  beforeAll(async () => {
    database = await createTestPgDatabase('ordo_delivery');
    db = database.open({ max: 8 });
    transport = await createPglogTransport({ db, pollIntervalMs: 50, pruneIntervalMs: 0 });
    await migrate(db, 'orch', outboxMigrations);
    orchestratorRelay = new OutboxRelay({ db, schema: 'orch', publisher: transport, pollIntervalMs: 100 });
    await orchestratorRelay.start();
    h = await startHarness(db, transport, [courier('ana', LISBON), courier('rui', offset(LISBON, 1))]);
    replies = await transport.subscribe({
      topic: DeliveryTopics.replies,
      group: 'test.orchestrator',
      ackWaitMs: 5_000,
    });
    events = await transport.subscribe({ topic: DeliveryTopics.events, group: 'test.order-events', ackWaitMs: 5_000 });
  });
  afterAll(async () => {
    await replies?.close();
    await events?.close();
    await h?.close();
    await orchestratorRelay?.stop();
    await transport?.close();
    await db?.close();
    await database?.drop();
  });

  async function command(type: string, sagaId: string, payload: Record<string, unknown>): Promise<Envelope> {
    const [envelope] = await db.transaction((tx) =>
      orchestrator.write(tx, [
        {
          topic: DeliveryTopics.commands,
          type,
          key: sagaId,
          payload: { sagaId, ...payload },
          correlationId: `flow-${sagaId}`,
        },
      ]),
    );
    return envelope!;
  }

  async function next(subscription: Subscription, match: (e: Envelope) => boolean): Promise<Envelope> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      for (const delivery of await subscription.fetch(10, 200)) {
        await delivery.ack();
        const envelope = parseEnvelope(delivery.message.body);
        if (match(envelope)) return envelope;
      }
    }
    throw new Error('no matching message within 30 s');
  }

  const assign = (sagaId: string) =>
    command(DeliveryCommands.assignCourier.type, sagaId, {
      commandId: `${sagaId}:assign`,
      orderId: `order-${sagaId}`,
      restaurantId: 'restaurant-1',
      pickup: LISBON,
      dropoff: { ...offset(LISBON, -1), line1: 'Praça do Comércio' },
    });

  it('when the orchestrator sends assign and cancel over pglog, then the replies come back over pglog, and the lifecycle events follow the courier', async () => {
    const sent = await assign('saga-1');
    const assigned = await next(replies, (e) => e.type === 'delivery.courier_assigned.v1');
    expect(assigned).toMatchObject({
      key: 'saga-1',
      seq: 1,
      correlationId: 'flow-saga-1',
      causationId: sent.id,
      payload: { sagaId: 'saga-1', commandId: 'saga-1:assign', courierId: 'courier-ana' },
    });
    const deliveryId = (assigned.payload as { deliveryId: string }).deliveryId;

    for (const step of ['accept', 'picked-up']) {
      const res = await h.app.inject({
        method: 'POST',
        url: `/v1/courier/deliveries/${deliveryId}/${step}`,
        headers: as('ana'),
      });
      expect(res.statusCode).toBe(200);
    }
    const pickedUp = await next(events, (e) => e.type === 'delivery.picked_up.v1');
    expect(pickedUp).toMatchObject({
      key: deliveryId,
      // After delivery.assigned.v1.
      seq: 2,
      correlationId: 'flow-saga-1',
      payload: { deliveryId, orderId: 'order-saga-1', courierId: 'courier-ana' },
    });

    await assign('saga-2');
    const second = await next(replies, (e) => e.type === 'delivery.courier_assigned.v1');
    expect(second.payload).toMatchObject({ sagaId: 'saga-2', courierId: 'courier-rui' });
    await command(DeliveryCommands.cancelDelivery.type, 'saga-2', {
      commandId: 'saga-2:cancel',
      orderId: 'order-saga-2',
    });
    const cancelled = await next(replies, (e) => e.type === 'delivery.cancelled.v1');
    expect(cancelled).toMatchObject({
      key: 'saga-2',
      seq: 2,
      payload: { sagaId: 'saga-2', deliveryId: (second.payload as { deliveryId: string }).deliveryId },
    });
    const { rows } = await db.query<{ status: string }>(
      `SELECT status FROM delivery.deliveries WHERE order_id = 'order-saga-2'`,
    );
    expect(rows).toEqual([{ status: 'CANCELLED' }]);
  });
});

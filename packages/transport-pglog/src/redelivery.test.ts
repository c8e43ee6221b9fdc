import type { Delivery, Subscription } from '@ordo/messaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPglogTransport, type PglogTransport } from './pglog.transport.js';
import { type ShapeFixture, shapes, testMessage, uniqueTopic } from './test-shapes.js';

describe.each(shapes)('pglog redelivery and competing consumers on %s', (_shape, open) => {
  let fixture: ShapeFixture;
  let transport: PglogTransport;

  beforeAll(async () => {
    fixture = await open();
    transport = await createPglogTransport({ db: fixture.db, pollIntervalMs: 50, pruneIntervalMs: 0 });
  });
  afterAll(async () => {
    await transport.close();
    await fixture.cleanup();
  });

  it('when a delivery is naked with a delay, then it comes back with deliveryCount 2, not before the delay', async () => {
    const topic = uniqueTopic('nak');
    await transport.publish([testMessage(topic, 'n1')]);
    const subscription = await transport.subscribe({ topic, group: 'g', ackWaitMs: 30_000 });
    const [first] = await subscription.fetch(10, 1_000);
    expect(first?.deliveryCount).toBe(1);

    const delayMs = 1_000;
    const nakedAt = Date.now();
    await first?.nak(delayMs);
    expect(await subscription.fetch(10, 0)).toEqual([]);
    const again = await subscription.fetch(10, 20_000);
    const receivedAt = Date.now();

    expect(again.map((d) => [d.message.id, d.deliveryCount, d.position])).toEqual([['n1', 2, first?.position]]);
    // A lower bound only: the row cannot be due before now() + delay (same clock on both sides).
    expect(receivedAt - nakedAt).toBeGreaterThanOrEqual(delayMs - 20);
    await again[0]?.ack();
    await subscription.close();
  });

  it('when a delivery is not acked within the ack wait, then it is delivered again', async () => {
    const topic = uniqueTopic('ackwait');
    await transport.publish([testMessage(topic, 'slow')]);
    const subscription = await transport.subscribe({ topic, group: 'g', ackWaitMs: 300 });
    const [first] = await subscription.fetch(10, 1_000);
    expect(first?.deliveryCount).toBe(1);

    const again = await subscription.fetch(10, 20_000);

    expect(again.map((d) => [d.message.id, d.deliveryCount])).toEqual([['slow', 2]]);
    await again[0]?.ack();
    await subscription.close();
  });

  it('when the first holder naks after a redelivery, then the new holder keeps its lease; a late ack is harmless', async () => {
    const topic = uniqueTopic('stale');
    await transport.publish([testMessage(topic, 's1')]);
    const subscription = await transport.subscribe({ topic, group: 'g', ackWaitMs: 300 });
    const [stale] = await subscription.fetch(10, 1_000);
    const [current] = await subscription.fetch(10, 20_000);
    expect(current?.deliveryCount).toBe(2);
    await current?.touch();

    await stale?.nak(0); // must not make the message due for the group again
    const { rows } = await fixture.db.query<{ due: boolean; delivery_count: number }>(
      'SELECT visible_at <= now() AS due, delivery_count FROM ordo_log.pending WHERE topic = $1',
      [topic],
    );
    expect(rows).toEqual([{ due: false, delivery_count: 2 }]);

    await stale?.ack();
    await current?.ack();
    await current?.nak(0);
    expect(await subscription.fetch(10, 0)).toEqual([]);
    await subscription.close();
  });

  it('when two members of one group fetch concurrently and ack in time, then no message reaches both', async () => {
    const topic = uniqueTopic('compete');
    const total = 60;
    // On Postgres the second member is another "process": its own pool, transport and LISTEN.
    const other = await createPglogTransport({ db: fixture.peer(), pollIntervalMs: 50, pruneIntervalMs: 0 });
    const members = [
      await transport.subscribe({ topic, group: 'workers', ackWaitMs: 60_000 }),
      await other.subscribe({ topic, group: 'workers', ackWaitMs: 60_000 }),
    ];
    const received: string[][] = [[], []];

    const consume = async (member: Subscription, into: string[]): Promise<void> => {
      let idle = 0;
      while (received[0]!.length + received[1]!.length < total && idle < 20) {
        const batch: Delivery[] = await member.fetch(4, 200);
        idle = batch.length === 0 ? idle + 1 : 0;
        for (const delivery of batch) {
          into.push(delivery.message.id);
          await delivery.ack();
        }
      }
    };
    const consuming = Promise.all([consume(members[0]!, received[0]!), consume(members[1]!, received[1]!)]);
    for (let batch = 0; batch < total / 10; batch++) {
      await transport.publish(Array.from({ length: 10 }, (_, i) => testMessage(topic, `c${batch * 10 + i}`)));
    }
    await consuming;

    const all = [...received[0]!, ...received[1]!];
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(Array.from({ length: total }, (_, i) => `c${i}`).sort());
    await Promise.all(members.map((m) => m.close()));
    await other.close();
  });

  it('when maxDeliver is reached, then the message is not delivered again but stays pending', async () => {
    const topic = uniqueTopic('maxdeliver');
    await transport.publish([testMessage(topic, 'poison')]);
    const subscription = await transport.subscribe({ topic, group: 'g', ackWaitMs: 30_000, maxDeliver: 2 });
    const [first] = await subscription.fetch(10, 1_000);
    await first?.nak(0);
    const [second] = await subscription.fetch(10, 5_000);
    expect(second?.deliveryCount).toBe(2);
    await second?.nak(0);

    expect(await subscription.fetch(10, 300)).toEqual([]);
    const { rows } = await fixture.db.query<{ c: number }>(
      'SELECT count(*)::int AS c FROM ordo_log.pending WHERE topic = $1',
      [topic],
    );
    expect(rows[0]?.c).toBe(1);
    await subscription.close();
  });
});

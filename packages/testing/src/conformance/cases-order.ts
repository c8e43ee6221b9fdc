// Conformance cases about order: per-aggregate seq under redelivery and reordering, and
// replaying a consumer from a stream position.
import { type Envelope, toTransportMessage } from '@ordo/messaging';
import { expect, it } from 'vitest';
import { recordEffect } from './kernel-fixture.js';
import type { SuiteContext } from './suite.js';

/** A small deterministic generator, so a failing run can be reproduced. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

export function orderCases(suite: SuiteContext): void {
  it('f. when 10,000 events over 100 aggregates arrive reordered, duplicated and redelivered, then each aggregate sees seq strictly increasing without gaps', async () => {
    await reorderedDelivery(suite, { keys: 100, perKey: 100, transactionBatchSize: 1, consumer: 'c.f' });
  }, 300_000);

  it('f2. when 2,000 reordered, duplicated and redelivered events commit in transaction batches, then each aggregate still sees seq strictly increasing without gaps', async () => {
    await reorderedDelivery(suite, { keys: 20, perKey: 100, transactionBatchSize: 16, consumer: 'c.f2' });
  }, 300_000);

  it('h. when a consumer is replayed from a position, then it processes the messages from that position again in order', async () => {
    const f = await suite.fixture('conf.h');
    await f.produce('h', 10);
    await f.produce('h2', 3);
    await f.relay().drain();
    const middle = await f.transport.headPosition(f.topic);
    await f.produce('h', 10, 11);
    await f.relay().drain();
    const consumer = f.consumer('c.h');
    await consumer.start();
    await expect.poll(() => f.effects('c.h')).toHaveLength(23);
    await consumer.stop();

    await consumer.replayFrom(middle + 1);
    await consumer.start();
    await expect.poll(() => f.effects('c.h'), { timeout: 30_000 }).toHaveLength(33);
    const replayed = (await f.effects('c.h')).slice(23);
    expect(replayed.map((e) => e.key)).toEqual(Array(10).fill('h'));
    expect(replayed.map((e) => e.seq)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    // After the replay, new messages are checked strictly again.
    await f.produce('h', 1, 21);
    await f.relay().drain();
    await expect.poll(() => f.effects('c.h'), { timeout: 30_000 }).toHaveLength(34);
    expect((await f.effects('c.h')).at(-1)?.seq).toBe(21);
  });
}

async function reorderedDelivery(
  suite: SuiteContext,
  options: { keys: number; perKey: number; transactionBatchSize: number; consumer: string },
): Promise<void> {
  const { keys, perKey, consumer: name } = options;
  const f = await suite.fixture(`conf.${name}`);
  const envelopes: Envelope[] = [];
  for (let round = 0; round < perKey; round++) {
    const written = await f.db.transaction((tx) =>
      f.writer.write(
        tx,
        Array.from({ length: keys }, (_, k) => ({
          topic: f.topic,
          type: 'thing.happened.v1',
          key: `agg${k}`,
          payload: { n: round + 1 },
        })),
      ),
    );
    envelopes.push(...written);
  }
  const random = seeded(42);
  // Reorder within windows of 300 messages (about three seqs per aggregate), and append
  // duplicates of 2% of the messages under new transport ids.
  const order = [...envelopes];
  for (let start = 0; start < order.length; start += 300) {
    const end = Math.min(order.length, start + 300);
    for (let i = end - 1; i > start; i--) {
      const j = start + Math.floor(random() * (i - start + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
  }
  const messages = order.map((e) => toTransportMessage(f.topic, e));
  const duplicates = order
    .filter(() => random() < 0.02)
    .map((e) => ({ ...toTransportMessage(f.topic, e), id: `${e.id}:dup` }));
  const all = [...messages, ...duplicates];
  for (let i = 0; i < all.length; i += 1_000) await f.transport.publish(all.slice(i, i + 1_000));

  const failures = seeded(7);
  const consumer = f.consumer(name, {
    transactionBatchSize: options.transactionBatchSize,
    concurrency: 16,
    batchSize: 128,
    maxAttempts: 100,
    handlers: {
      'thing.happened.v1': async (_p, ctx) => {
        // Injected redelivery: 3% of attempts fail and come back later.
        if (failures() < 0.03) throw new Error('injected failure');
        await recordEffect(ctx.tx, name, ctx.envelope as never, 'main');
      },
    },
  });
  await consumer.start();
  await expect
    .poll(async () => (await f.effectCount(name)).distinct, { timeout: 240_000, interval: 500 })
    .toBe(keys * perKey);
  expect(await f.effectCount(name)).toEqual({ total: keys * perKey, distinct: keys * perKey });
  const seen = new Map<string, number[]>();
  for (const e of await f.effects(name)) {
    const list = seen.get(e.key) ?? [];
    list.push(e.seq);
    seen.set(e.key, list);
  }
  const expected = Array.from({ length: perKey }, (_, i) => i + 1);
  for (const [key, seqs] of seen) expect(seqs, key).toEqual(expected);
  expect(seen.size).toBe(keys);
  expect(consumer.stats.get('retried')).toBeGreaterThan(0);
  expect(consumer.stats.get('deadLettered')).toBe(0);
  if (process.env.ORDO_DEBUG_STATS) console.log(options.consumer, consumer.stats.snapshot());
}

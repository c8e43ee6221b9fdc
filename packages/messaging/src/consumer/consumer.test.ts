import { type Db, migrate } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import { OutboxRelay, OutboxWriter, outboxMigrations } from '@ordo/outbox';
import { createTestPgliteDb, MemoryTransport } from '@ordo/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toTransportMessage } from '../envelope.js';
import { consumerMigrations } from '../migrations.js';
import { SchemaRegistry } from '../schema-registry.js';
import { Consumer, type ConsumerOptions } from './consumer.js';

const schema = 'svc';
const topic = 'things.events';
const registry = new SchemaRegistry().register('thing.happened.v1', z.object({ n: z.number().int() }));

describe('consumer runner (PGlite, in-memory transport)', () => {
  let db: Db;
  let transport: MemoryTransport;
  let writer: OutboxWriter;
  let relay: OutboxRelay;
  let consumers: Consumer[];

  beforeEach(async () => {
    db = await createTestPgliteDb();
    await migrate(db, schema, [...outboxMigrations, ...consumerMigrations]);
    await db.query('CREATE TABLE svc.effects (key text, n int, seq int)');
    transport = new MemoryTransport();
    writer = new OutboxWriter(schema);
    relay = new OutboxRelay({ db, schema, publisher: transport });
    consumers = [];
  });
  afterEach(async () => {
    for (const c of consumers) await c.stop();
    await db.close();
  });

  function consumer(overrides: Partial<ConsumerOptions> = {}) {
    const c = new Consumer({
      name: 'svc.effects',
      topic,
      db,
      schema,
      transport,
      registry,
      handlers: {
        'thing.happened.v1': async (payload: { n: number }, ctx) => {
          await ctx.tx.query('INSERT INTO svc.effects VALUES ($1, $2, $3)', [
            ctx.envelope.key,
            payload.n,
            ctx.envelope.seq,
          ]);
        },
      },
      backoff: { baseMs: 1, maxMs: 5 },
      fetchWaitMs: 50,
      ...overrides,
    });
    consumers.push(c);
    return c;
  }

  async function produce(key: string, ns: number[]) {
    await db.transaction((tx) =>
      writer.write(
        tx,
        ns.map((n) => ({ topic, type: 'thing.happened.v1', key, payload: { n } })),
      ),
    );
  }

  const effects = async () =>
    (await db.query<{ key: string; n: number; seq: number }>('SELECT key, n, seq FROM svc.effects ORDER BY key, seq'))
      .rows;

  it('when messages are written in one transaction, then seqs per key are gapless and start at 1', async () => {
    await produce('a', [1, 2]);
    await produce('b', [3]);
    await produce('a', [4]);
    const { rows } = await db.query<{ key: string; seq: number }>('SELECT key, seq FROM svc.outbox ORDER BY id');
    expect(rows).toEqual([
      { key: 'a', seq: 1 },
      { key: 'a', seq: 2 },
      { key: 'b', seq: 1 },
      { key: 'a', seq: 3 },
    ]);
  });

  it('when a producing transaction rolls back, then its message is never published', async () => {
    await expect(
      db.transaction(async (tx) => {
        await writer.write(tx, [{ topic, type: 'thing.happened.v1', key: 'x', payload: { n: 1 } }]);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await relay.drain()).toBe(0);
  });

  it('when events flow through relay and consumer, then each effect is applied once in seq order', async () => {
    await produce('a', [1, 2, 3]);
    await produce('b', [1]);
    await relay.drain();
    // The same rows published again (a relay crash before mark-sent) are deduplicated.
    await db.query('UPDATE svc.outbox SET sent_at = NULL');
    await relay.drain();
    await consumer().start();
    await expect.poll(effects).toHaveLength(4);
    expect((await effects()).map((e) => `${e.key}${e.seq}`)).toEqual(['a1', 'a2', 'a3', 'b1']);
  });

  it('when inbox rows are older than the retention, then pruning deletes them and keeps newer ones', async () => {
    await produce('p', [1, 2]);
    await relay.drain();
    const c = consumer({ inboxRetentionMs: 60_000 });
    await c.start();
    await expect.poll(effects).toHaveLength(2);
    await db.query(`UPDATE svc.inbox SET processed_at = now() - interval '2 minutes' WHERE consumer = 'svc.effects'`);
    await db.query(`INSERT INTO svc.inbox (consumer, message_id) VALUES ('svc.effects', 'recent')`);
    expect(await c.pruneInbox()).toBe(2);
    const { rows } = await db.query<{ message_id: string }>('SELECT message_id FROM svc.inbox');
    expect(rows).toEqual([{ message_id: 'recent' }]);
  });

  it('when a payload fails its schema, then it is dead-lettered at once and later messages continue', async () => {
    await db.transaction((tx) =>
      writer.write(tx, [
        { topic, type: 'thing.happened.v1', key: 'k', payload: { n: 'not a number' } },
        { topic, type: 'thing.happened.v1', key: 'k', payload: { n: 2 } },
      ]),
    );
    await relay.drain();
    const c = consumer();
    await c.start();
    await expect.poll(effects).toHaveLength(1);
    const [letter] = await c.listDeadLetters();
    expect(letter?.errorCode).toBe(Errors.MSG_SCHEMA_INVALID.code);
    expect(letter?.attempts).toBe(1);
    expect(letter?.headers['ordo-dlq-original-subject']).toBe(`${topic}.thing.happened.v1`);
  });

  it('when a handler keeps failing with a retryable error, then it is dead-lettered after the budget and a replay applies it once', async () => {
    let failing = true;
    let calls = 0;
    const c = consumer({
      maxAttempts: 3,
      handlers: {
        'thing.happened.v1': async (payload: { n: number }, ctx) => {
          calls++;
          if (failing) throw new AppError(Errors.MSG_PUBLISH_FAILED);
          await ctx.tx.query('INSERT INTO svc.effects VALUES ($1, $2, $3)', [
            ctx.envelope.key,
            payload.n,
            ctx.envelope.seq,
          ]);
        },
      },
    });
    await produce('r', [7]);
    await relay.drain();
    await c.start();
    await expect.poll(() => c.stats.get('deadLettered')).toBe(1);
    expect(calls).toBe(3);
    const [letter] = await c.listDeadLetters();
    expect(letter?.attempts).toBe(3);
    failing = false;
    await c.replayDeadLetter(letter!.id);
    await expect(c.replayDeadLetter(letter!.id)).rejects.toMatchObject({ code: Errors.DLQ_ALREADY_REPLAYED.code });
    expect(await effects()).toEqual([{ key: 'r', n: 7, seq: 1 }]);
  });

  it('when a message arrives before its predecessor, then it waits and the handler still sees seq order', async () => {
    const envelopes = await db.transaction((tx) =>
      writer.write(
        tx,
        [1, 2, 3, 4].map((n) => ({ topic, type: 'thing.happened.v1', key: 'o', payload: { n } })),
      ),
    );
    const [first, ...rest] = envelopes;
    // 4, 3, 2 first, bypassing the relay; 1 only once they have been seen and held back.
    await transport.publish([...rest].reverse().map((e) => toTransportMessage(topic, e)));
    const c = consumer({ gapBackoff: { baseMs: 1, maxMs: 5 } });
    await c.start();
    await expect.poll(() => c.stats.get('gap')).toBeGreaterThan(0);
    expect(await effects()).toEqual([]);
    await transport.publish([toTransportMessage(topic, first!)]);
    await expect.poll(effects).toHaveLength(4);
    expect((await effects()).map((e) => e.n)).toEqual([1, 2, 3, 4]);
  });

  it('when transaction batching is on and one message of a batch fails, then the others commit and it is retried alone', async () => {
    let x3calls = 0;
    const c = consumer({
      transactionBatchSize: 16,
      handlers: {
        'thing.happened.v1': async (payload: { n: number }, ctx) => {
          // Fails in the batch, then once more on its own, then succeeds.
          if (ctx.envelope.key === 'x' && payload.n === 3 && ++x3calls <= 2) throw new Error('transient');
          await ctx.tx.query('INSERT INTO svc.effects VALUES ($1, $2, $3)', [
            ctx.envelope.key,
            payload.n,
            ctx.envelope.seq,
          ]);
        },
      },
    });
    for (const key of ['x', 'y']) await produce(key, [1, 2, 3, 4]);
    await relay.drain();
    await c.start();
    await expect.poll(effects).toHaveLength(8);
    expect(c.stats.get('retried')).toBe(1);
    expect(x3calls).toBe(3);
    expect((await effects()).map((e) => `${e.key}${e.seq}`)).toEqual(['x1', 'x2', 'x3', 'x4', 'y1', 'y2', 'y3', 'y4']);
  });
});

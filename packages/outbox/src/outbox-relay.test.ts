// The relay's after-commit path, on real Postgres with a publisher outside the database (as NATS
// is): committed rows are published without a claiming transaction, rolled-back ones never, and
// what that path cannot publish is left to the claiming loop.
import { type Db, migrate, type SqlExecutor } from '@ordo/db';
import type { Publisher, TransportMessage } from '@ordo/messaging';
import { createTestPgDatabase, type TestPgDatabase, tableReads } from '@ordo/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { markSent } from './claim-strategies.js';
import { outboxMigrations } from './migrations.js';
import { OutboxRelay } from './outbox-relay.js';
import type { OutboxRow } from './outbox-row.js';
import { OutboxWriter } from './outbox-writer.js';

const SCHEMA = 'relay_test';

class RecordingPublisher implements Publisher {
  readonly published: TransportMessage[] = [];
  failing = false;
  async publish(messages: readonly TransportMessage[]): Promise<void> {
    if (this.failing) throw new Error('broker unreachable');
    this.published.push(...messages);
  }
  async close(): Promise<void> {}
}

describe('outbox relay, after commit', () => {
  let database: TestPgDatabase;
  let db: Db;
  let relay: OutboxRelay | undefined;
  const writer = new OutboxWriter(SCHEMA);

  beforeAll(async () => {
    database = await createTestPgDatabase('ordo_relay');
    db = database.open();
    await migrate(db, SCHEMA, outboxMigrations);
  });
  afterEach(async () => {
    await relay?.stop();
    relay = undefined;
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  const write = (key: string) =>
    db.transaction((tx) => writer.write(tx, [{ topic: 'relay.test', type: 'relay.tested.v1', key, payload: { key } }]));
  const unsent = async (key: string) =>
    (
      await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${SCHEMA}.outbox WHERE key = $1 AND sent_at IS NULL`,
        [key],
      )
    ).rows[0]?.n;

  it('when a write commits, then its rows are published and marked sent at once, without the polling loop', async () => {
    const publisher = new RecordingPublisher();
    // The loop would not look for ten minutes: only the after-commit path can publish.
    relay = new OutboxRelay({ db, schema: SCHEMA, publisher, writer, pollIntervalMs: 600_000 });
    await relay.start();
    const [envelope] = await write('committed');

    await expect.poll(() => publisher.published.map((m) => m.id)).toEqual([envelope?.id]);
    await expect.poll(() => unsent('committed')).toBe(0);
  });

  it('when a write rolls back, then nothing of it is published', async () => {
    const publisher = new RecordingPublisher();
    relay = new OutboxRelay({ db, schema: SCHEMA, publisher, writer, pollIntervalMs: 600_000 });
    await relay.start();
    await expect(
      db.transaction(async (tx) => {
        await writer.write(tx, [{ topic: 'relay.test', type: 'relay.tested.v1', key: 'rolled-back', payload: {} }]);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const [marker] = await write('after-the-rollback');

    await expect.poll(() => publisher.published.map((m) => m.id)).toEqual([marker?.id]);
    expect(publisher.published.map((m) => m.key)).not.toContain('rolled-back');
  });

  it('when publishing after commit fails, then the row stays unsent and the claiming loop publishes it after the grace period', async () => {
    const publisher = new RecordingPublisher();
    publisher.failing = true;
    relay = new OutboxRelay({ db, schema: SCHEMA, publisher, writer, pollIntervalMs: 100, afterCommitGraceMs: 300 });
    await relay.start();
    const [envelope] = await write('broker-down');
    await expect.poll(() => unsent('broker-down')).toBe(1);

    publisher.failing = false;
    await expect.poll(() => publisher.published.map((m) => m.id)).toContain(envelope?.id);
    await expect.poll(() => unsent('broker-down')).toBe(0);
  });

  it('when rows were left unsent before it started, then they go out before rows committed after the start', async () => {
    const [left] = await write('left-before-start');
    const publisher = new RecordingPublisher();
    relay = new OutboxRelay({ db, schema: SCHEMA, publisher, writer, pollIntervalMs: 600_000 });
    await relay.start();
    const [fresh] = await write('after-start');

    await expect.poll(() => publisher.published.map((m) => m.id)).toContain(fresh?.id);
    const ids = publisher.published.map((m) => m.id);
    expect(ids.indexOf(left?.id as string)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(left?.id as string)).toBeLessThan(ids.indexOf(fresh?.id as string));
  });

  it('when the relay stops, then rows handed over before are published first, and later commits are left to the next start', async () => {
    const publisher = new RecordingPublisher();
    relay = new OutboxRelay({ db, schema: SCHEMA, publisher, writer, pollIntervalMs: 600_000 });
    await relay.start();
    const [before] = await write('before-stop');
    await relay.stop();
    expect(publisher.published.map((m) => m.id)).toContain(before?.id);

    await write('after-stop');
    expect(await unsent('after-stop')).toBe(1);
    expect(publisher.published.map((m) => m.key)).not.toContain('after-stop');
  });

  it('when rows are marked sent by a plan made while the outbox was young, then they are found by key, not by reading the grown table', async () => {
    const schema = 'relay_mark_sent';
    await migrate(db, schema, outboxMigrations);
    const young = new OutboxWriter(schema);
    const writeMany = (tx: SqlExecutor, n: number) =>
      young.write(
        tx,
        Array.from({ length: n }, (_, i) => ({ topic: 't', type: 'relay.tested.v1', key: `k${i}`, payload: { i } })),
      );
    const rowsOf = async (tx: SqlExecutor, ids: string[]) =>
      (await tx.query<OutboxRow>(`SELECT id FROM ${schema}.outbox WHERE message_id = ANY($1::text[])`, [ids])).rows;
    const seqScans = async (tx: SqlExecutor) => (await tableReads(tx, `${schema}.outbox`)).seqScans;
    const { scans, left } = await db.transaction(async (tx) => {
      // Planned (generically, once per connection) on a one-page table...
      const first = await writeMany(tx, 1);
      await markSent(
        tx,
        `${schema}.outbox`,
        await rowsOf(
          tx,
          first.map((e) => e.id),
        ),
      );
      // ...then used on a table of a few hundred pages.
      const grown = await writeMany(tx, 3_000);
      const some = await rowsOf(
        tx,
        grown.slice(0, 3).map((e) => e.id),
      );
      const before = await seqScans(tx);
      await markSent(tx, `${schema}.outbox`, some);
      const scans = (await seqScans(tx)) - before;
      const { rows } = await tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${schema}.outbox WHERE sent_at IS NULL`,
      );
      return { scans, left: rows[0]!.n };
    });
    expect(scans).toBe(0);
    expect(left).toBe(2_997);
  });
});

import type { Db, SqlExecutor } from '@ordo/db';
import { createTestPgDatabase, deferred, type TestPgDatabase, tableReads } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendMessages } from './append.js';
import { deleteLeases } from './commit-work.js';
import { createPglogTransport, type PglogTransport } from './pglog.transport.js';
import { logTables } from './tables.js';
import { testMessage, uniqueTopic } from './test-shapes.js';

// Postgres only: PGlite has one connection, so two appends can never be open at once there.
describe('pglog appends on postgres', () => {
  let database: TestPgDatabase;
  let db: Db;
  let transport: PglogTransport;
  const tables = logTables('ordo_log');

  beforeAll(async () => {
    database = await createTestPgDatabase('ordo_pglog');
    db = database.open();
    transport = await createPglogTransport({ db, pollIntervalMs: 50, pruneIntervalMs: 0 });
  });
  afterAll(async () => {
    await transport.close();
    await db.close();
    await database.drop();
  });

  const waitingAdvisoryLocks = async (): Promise<number> => {
    const { rows } = await db.query<{ c: number }>(
      `SELECT count(*)::int AS c FROM pg_locks
       WHERE locktype = 'advisory' AND NOT granted
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    return rows[0]?.c ?? 0;
  };

  /** Appends one message in a transaction that stays open until `release()`. */
  const appendAndHold = (topic: string, id: string) => {
    const mayCommit = deferred();
    const appended = deferred();
    const committed = db.transaction(async (tx) => {
      await appendMessages(tx, tables, [testMessage(topic, id)]);
      appended.resolve();
      await mayCommit.promise;
    });
    return { appended: appended.promise, committed, release: () => mayCommit.resolve() };
  };

  it('when an append commits after a later one started, then a reader sees both in position order and skips none', async () => {
    const topic = uniqueTopic('out-of-order');
    const reader = await transport.subscribe({ topic, group: 'reader', ackWaitMs: 30_000 });
    // A appends and keeps its transaction open.
    const a = appendAndHold(topic, 'from-a');
    await a.appended;
    // B appends to the same topic and would commit first, but has to wait for A's topic lock.
    const b = db.transaction((tx) => appendMessages(tx, tables, [testMessage(topic, 'from-b')]));
    await expect.poll(waitingAdvisoryLocks).toBe(1);

    expect(await reader.fetch(10, 0)).toEqual([]);
    a.release();
    await Promise.all([a.committed, b]);

    const seen = [...(await reader.fetch(10, 1_000))];
    if (seen.length < 2) seen.push(...(await reader.fetch(10, 1_000)));
    expect(seen.map((d) => d.message.id)).toEqual(['from-a', 'from-b']);
    expect(seen[0]!.position).toBeLessThan(seen[1]!.position);
    await reader.close();
  });

  it('when an append waits for the topic lock, then it has taken no position yet (positions follow the lock)', async () => {
    const topic = uniqueTopic('lock-then-position');
    // The topic is registered already, so the only thing B can wait for is the topic lock.
    await transport.publish([testMessage(topic, 'zero')]);
    const lastPosition = async (): Promise<number> => {
      // The position the latest nextval() handed out, in any topic of this test database.
      const { rows } = await db.query<{ v: string }>(
        'SELECT last_value::text AS v FROM ordo_log.messages_position_seq',
      );
      return Number(rows[0]?.v);
    };
    const a = appendAndHold(topic, 'first');
    try {
      await a.appended;
      const before = await lastPosition();
      const b = db.transaction((tx) =>
        appendMessages(tx, tables, [testMessage(topic, 'second'), testMessage(topic, 'third')]),
      );
      await expect.poll(waitingAdvisoryLocks).toBe(1);
      expect(await lastPosition()).toBe(before);
      a.release();
      await Promise.all([a.committed, b]);
    } finally {
      a.release();
      await a.committed.catch(() => undefined);
    }
    const { rows } = await db.query<{ id: string; position: string }>(
      'SELECT id, position::text AS position FROM ordo_log.messages WHERE topic = $1 ORDER BY position',
      [topic],
    );
    expect(rows.map((r) => r.id)).toEqual(['zero', 'first', 'second', 'third']);
  });

  it('when a transaction appends at commit, then it holds no topic lock while it runs: an append to the topic commits meanwhile, and positions follow the commits', async () => {
    const topic = uniqueTopic('at-commit-lock');
    const mayCommit = deferred();
    const handedOver = deferred();
    const late = db.transaction(async (tx) => {
      await tx.query('SELECT 1');
      await transport.publishWithin!(tx, [testMessage(topic, 'appended-at-commit')], { atCommit: true });
      handedOver.resolve();
      await mayCommit.promise;
    });
    try {
      await handedOver.promise;
      await transport.publish([testMessage(topic, 'meanwhile')]);
      expect(await waitingAdvisoryLocks()).toBe(0);
    } finally {
      mayCommit.resolve();
      await late;
    }
    const { rows } = await db.query<{ id: string }>(
      'SELECT id FROM ordo_log.messages WHERE topic = $1 ORDER BY position',
      [topic],
    );
    expect(rows.map((r) => r.id)).toEqual(['meanwhile', 'appended-at-commit']);
  });

  it('when two publishes touch the same topics in opposite orders, then both commit (no deadlock)', async () => {
    const x = uniqueTopic('lock-order');
    const y = uniqueTopic('lock-order');
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        transport.publish(
          i % 2 === 0
            ? [testMessage(x, `x${i}`), testMessage(y, `y${i}`)]
            : [testMessage(y, `y${i}`), testMessage(x, `x${i}`)],
        ),
      ),
    );
    const { rows } = await db.query<{ c: number }>(
      'SELECT count(*)::int AS c FROM ordo_log.messages WHERE topic = ANY($1::text[])',
      [[x, y]],
    );
    expect(rows[0]?.c).toBe(20);
  });

  it('when messages left for the commit are handed over under a savepoint that is rolled back, then only the others are appended', async () => {
    const topic = uniqueTopic('savepoint');
    const atCommit = (tx: SqlExecutor, id: string) =>
      transport.publishWithin?.(tx, [testMessage(topic, id)], { atCommit: true }) ?? Promise.resolve();
    await db.transaction(async (tx) => {
      await atCommit(tx, 'before');
      const failed = await tx.savepoint?.(async () => {
        await atCommit(tx, 'undone');
        const inner = await tx.savepoint?.(() => atCommit(tx, 'inner-of-undone'));
        expect(inner?.ok).toBe(true);
        throw new Error('step failed');
      });
      expect(failed?.ok).toBe(false);
      const ok = await tx.savepoint?.(() => atCommit(tx, 'kept'));
      expect(ok?.ok).toBe(true);
      await atCommit(tx, 'after');
    });
    const { rows } = await db.query<{ id: string }>(
      'SELECT id FROM ordo_log.messages WHERE topic = $1 ORDER BY position',
      [topic],
    );
    expect(rows.map((r) => r.id)).toEqual(['before', 'kept', 'after']);
  });

  it('when leases are acknowledged on a pending table full of dead rows, then exactly those leases go, each found by its key, in an append and alone alike', async () => {
    const topic = uniqueTopic('acks');
    // A churned table: 3,000 leases handed out, all but 30 acknowledged, not yet vacuumed.
    await db.query(
      `INSERT INTO ordo_log.pending (topic, "group", position, delivery_count, visible_at)
       SELECT $1, 'g', p, 1, now() + interval '1 hour' FROM generate_series(1, 3000) AS p`,
      [topic],
    );
    await db.query('DELETE FROM ordo_log.pending WHERE topic = $1 AND position > 30', [topic]);
    const acks = (positions: number[]) => ({
      topics: positions.map(() => topic),
      groups: positions.map(() => 'g'),
      positions,
    });
    const scans = await db.transaction(async (tx) => {
      const before = await tableReads(tx, 'ordo_log.pending');
      // Twice each: planned as every statement of the pool's connections is, once, generically.
      for (const round of [0, 1]) {
        const message = testMessage(uniqueTopic('with-acks'), `m${round}`);
        await appendMessages(tx, tables, [message], { acks: acks([1 + round * 2, 2 + round * 2]) });
      }
      await deleteLeases(tx, tables, acks([5, 7]));
      await deleteLeases(tx, tables, acks([30]));
      return (await tableReads(tx, 'ordo_log.pending')).seqScans - before.seqScans;
    });
    expect(scans).toBe(0);
    const { rows } = await db.query<{ position: string }>(
      'SELECT position FROM ordo_log.pending WHERE topic = $1 ORDER BY position',
      [topic],
    );
    expect(rows.map((r) => Number(r.position))).toEqual([6, ...Array.from({ length: 22 }, (_, i) => 8 + i)]);
  });
});

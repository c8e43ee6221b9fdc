import type { Db, SqlExecutor } from '@ordo/db';
import type { Transport } from '@ordo/messaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPglogTransport, type PglogTransport } from './pglog.transport.js';
import { type ShapeFixture, shapes, testMessage, uniqueTopic } from './test-shapes.js';

/** A Db that reports each committed transaction, to know a fetch's first attempt is over. */
/** The db, and a promise for the end of its next fetch attempt (a transaction, or a lone read). */
function observed(db: Db): { db: Db; nextAttempt(): Promise<void> } {
  let waiters: Array<() => void> = [];
  const settled = <T>(result: T): T => {
    const current = waiters;
    waiters = [];
    for (const wake of current) wake();
    return result;
  };
  return {
    db: {
      ...db,
      async query(text, params, options) {
        return settled(await db.query(text, params, options));
      },
      async transaction(fn, options) {
        return settled(await db.transaction(fn, options));
      },
    },
    nextAttempt: () => new Promise<void>((resolve) => waiters.push(resolve)),
  };
}

/** Counts the statements and transactions run through `db`. */
function counting(db: Db): { db: Db; readonly counts: { statements: number; transactions: number }; reset(): void } {
  const counts = { statements: 0, transactions: 0 };
  return {
    db: {
      ...db,
      query: (sql, params, options) => {
        counts.statements++;
        return db.query(sql, params, options);
      },
      transaction: (fn, options) => {
        counts.transactions++;
        return db.transaction(fn, options);
      },
    },
    counts,
    reset: () => {
      counts.statements = 0;
      counts.transactions = 0;
    },
  };
}

/** `tx` with its commit hooks, calling `onStatement` for every statement run through it. */
function countingTx(tx: SqlExecutor, onStatement: () => void): SqlExecutor {
  return {
    query: (text, params, options) => {
      onStatement();
      return tx.query(text, params, options);
    },
    beforeCommit: tx.beforeCommit?.bind(tx),
    afterCommit: tx.afterCommit?.bind(tx),
  };
}

describe.each(shapes)('pglog transport on %s', (shape, open) => {
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

  const pendingCount = async (topic: string): Promise<number> => {
    const { rows } = await fixture.db.query<{ c: number }>(
      'SELECT count(*)::int AS c FROM ordo_log.pending WHERE topic = $1',
      [topic],
    );
    return rows[0]?.c ?? -1;
  };

  it('when it is created, then it names itself and declares its features', () => {
    expect(transport.name).toBe('pglog');
    expect(transport.features).toEqual({
      dedupById: true,
      dedupWindowMs: 7 * 24 * 60 * 60 * 1000,
      delayedRedelivery: true,
      replayFromPosition: true,
      multiProcess: shape === 'postgres',
      ackWithinTransaction: true,
    });
  });

  it('when a message is published and fetched, then headers and body arrive intact and ack settles it', async () => {
    const topic = uniqueTopic('roundtrip');
    const sent = testMessage(topic, 'm1');
    const subscription = await transport.subscribe({ topic, group: 'g', ackWaitMs: 30_000 });
    await transport.publish([sent]);

    const deliveries = await subscription.fetch(10, 5_000);

    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries;
    expect(delivery?.message).toEqual(sent);
    expect(delivery?.deliveryCount).toBe(1);
    expect(delivery?.position).toBe(await transport.headPosition(topic));
    expect(await pendingCount(topic)).toBe(1);
    await delivery?.ack();
    expect(await pendingCount(topic)).toBe(0);
    expect(await subscription.fetch(10, 0)).toEqual([]);
    await subscription.close();
  });

  it('when a batch spans topics, then each topic gets its messages with positions in batch order', async () => {
    const a = uniqueTopic('batch');
    const b = uniqueTopic('batch');
    await transport.publish([testMessage(a, 'a1'), testMessage(b, 'b1'), testMessage(a, 'a2'), testMessage(a, 'a3')]);
    const subA = await transport.subscribe({ topic: a, group: 'g', ackWaitMs: 30_000 });
    const subB = await transport.subscribe({ topic: b, group: 'g', ackWaitMs: 30_000 });

    const fromA = await subA.fetch(10, 1_000);
    const fromB = await subB.fetch(10, 1_000);

    expect(fromA.map((d) => d.message.id)).toEqual(['a1', 'a2', 'a3']);
    expect(fromA.map((d) => d.position)).toEqual([...fromA.map((d) => d.position)].sort((x, y) => x - y));
    expect(fromB.map((d) => d.message.id)).toEqual(['b1']);
    await Promise.all([subA.close(), subB.close()]);
  });

  it('when the same id is published twice, then it is stored and delivered once', async () => {
    const topic = uniqueTopic('dedup');
    await transport.publish([testMessage(topic, 'dup'), testMessage(topic, 'dup')]);
    await transport.publish([testMessage(topic, 'dup', { body: '{"changed":true}' })]);

    const { rows } = await fixture.db.query<{ c: number }>(
      'SELECT count(*)::int AS c FROM ordo_log.messages WHERE topic = $1',
      [topic],
    );
    expect(rows[0]?.c).toBe(1);
    const subscription = await transport.subscribe({ topic, group: 'g', ackWaitMs: 30_000 });
    const deliveries = await subscription.fetch(10, 1_000);
    expect(deliveries.map((d) => d.message.body)).toEqual([testMessage(topic, 'dup').body]);
    await subscription.close();
  });

  it('when a group seeks to a position, then delivery resumes from that position', async () => {
    const topic = uniqueTopic('seek');
    await transport.publish(['a', 'b', 'c', 'd', 'e'].map((id) => testMessage(topic, id)));
    const subscription = await transport.subscribe({ topic, group: 'g', ackWaitMs: 30_000 });
    const first = await subscription.fetch(10, 1_000);
    expect(first.map((d) => d.message.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    await first[0]?.ack(); // the rest stay pending: seek drops them

    const third = first[2]?.position ?? 0;
    await transport.seek(topic, 'g', { kind: 'position', position: third });
    expect(await pendingCount(topic)).toBe(0);
    const replayed = await subscription.fetch(10, 1_000);
    expect(replayed.map((d) => d.message.id)).toEqual(['c', 'd', 'e']);
    expect(replayed.map((d) => d.deliveryCount)).toEqual([1, 1, 1]);

    await transport.seek(topic, 'g', { kind: 'new' });
    expect(await subscription.fetch(10, 0)).toEqual([]);
    await subscription.close();
  });

  it('when a new group starts at new or at a position, then it skips what came before', async () => {
    const topic = uniqueTopic('start');
    await transport.publish(['a', 'b', 'c'].map((id) => testMessage(topic, id)));
    const head = await transport.headPosition(topic);
    const fromNew = await transport.subscribe({ topic, group: 'late', ackWaitMs: 30_000, start: { kind: 'new' } });
    const fromHead = await transport.subscribe({
      topic,
      group: 'at-head',
      ackWaitMs: 30_000,
      start: { kind: 'position', position: head },
    });
    await transport.publish([testMessage(topic, 'd')]);

    expect((await fromNew.fetch(10, 1_000)).map((d) => d.message.id)).toEqual(['d']);
    expect((await fromHead.fetch(10, 1_000)).map((d) => d.message.id)).toEqual(['c', 'd']);
    expect(await transport.headPosition(uniqueTopic('empty'))).toBe(0);
    await Promise.all([fromNew.close(), fromHead.close()]);
  });

  it('when a message is published while a fetch waits, then the fetch returns it within its wait', async () => {
    const topic = uniqueTopic('wake');
    // Polling far beyond the wait: only the NOTIFY can end this fetch with a message.
    const watched = observed(fixture.db);
    const waiter = await createPglogTransport({ db: watched.db, pollIntervalMs: 600_000, pruneIntervalMs: 0 });
    const subscription = await waiter.subscribe({ topic, group: 'g', ackWaitMs: 30_000 });

    const firstAttempt = watched.nextAttempt();
    // Were the NOTIFY lost, this fetch would return [] when its wait is spent.
    const fetching = subscription.fetch(10, 10_000);
    await firstAttempt; // found nothing; the fetch is now waiting
    await transport.publish([testMessage(topic, 'late')]);

    expect((await fetching).map((d) => d.message.id)).toEqual(['late']);
    await waiter.close();
  });

  it('when a fetch finds nothing, then it has run one statement that locked no row; when it finds a message, one statement too', async () => {
    const topic = uniqueTopic('empty-look');
    const counted = counting(fixture.db);
    // No poll within the fetches' waits: each attempt below is the fetch's first.
    const looker = await createPglogTransport({ db: counted.db, pollIntervalMs: 600_000, pruneIntervalMs: 0 });
    const subscription = await looker.subscribe({ topic, group: 'g', ackWaitMs: 30_000 });
    // A row lock stamps the locker's transaction id into the row's xmax (and costs a WAL flush).
    const groupRowXmax = async (): Promise<string | undefined> => {
      const { rows } = await fixture.db.query<{ xmax: string }>(
        `SELECT xmax::text AS xmax FROM ordo_log.groups WHERE topic = $1 AND "group" = 'g'`,
        [topic],
      );
      return rows[0]?.xmax;
    };
    const untouched = await groupRowXmax();
    expect(untouched).toBeDefined();
    counted.reset(); // migrations and creating the group are not fetches
    expect(await subscription.fetch(10, 0)).toEqual([]);
    expect(counted.counts).toEqual({ statements: 1, transactions: 0 });
    expect(await groupRowXmax()).toBe(untouched);

    await transport.publish([testMessage(topic, 'one')]);
    counted.reset();
    expect((await subscription.fetch(10, 0)).map((d) => d.message.id)).toEqual(['one']);
    // Redeliveries, the group's cursor and new messages in one statement.
    expect(counted.counts).toEqual({ statements: 1, transactions: 0 });
    await looker.close();
  });

  it('when a fetch took everything there was, then the next waiting fetch does not look until a notification comes', async () => {
    const topic = uniqueTopic('settled');
    const counted = counting(fixture.db);
    const watched = observed(counted.db);
    const looker = await createPglogTransport({ db: watched.db, pollIntervalMs: 600_000, pruneIntervalMs: 0 });
    const subscription = await looker.subscribe({ topic, group: 'g', ackWaitMs: 30_000 });
    // Taken by a fetch that the append's notification woke, so no notification is still on its way.
    const firstLook = watched.nextAttempt();
    const first = subscription.fetch(10, 10_000);
    await firstLook;
    await transport.publish([testMessage(topic, 'one')]);
    expect((await first).map((d) => d.message.id)).toEqual(['one']);

    counted.reset();
    expect(await subscription.fetch(10, 200)).toEqual([]);
    expect(counted.counts.statements).toBe(0);
    // A fetch that may not wait looks all the same.
    expect(await subscription.fetch(10, 0)).toEqual([]);
    expect(counted.counts.statements).toBe(1);

    const fetching = subscription.fetch(10, 10_000);
    await transport.publish([testMessage(topic, 'two')]);
    expect((await fetching).map((d) => d.message.id)).toEqual(['two']);
    await looker.close();
  });

  it('when a delivery is naked with a delay, then a waiting fetch of this process gets it when due, without polling', async () => {
    const topic = uniqueTopic('nak-wake');
    // Polling far beyond the wait: only the process's own timer can end this fetch with the message.
    const waiter = await createPglogTransport({ db: fixture.db, pollIntervalMs: 600_000, pruneIntervalMs: 0 });
    const subscription = await waiter.subscribe({ topic, group: 'g', ackWaitMs: 30_000 });
    await transport.publish([testMessage(topic, 'retry-me')]);
    const [first] = await subscription.fetch(10, 5_000);
    expect(first?.message.id).toBe('retry-me');
    await first!.nak(300);

    const again = await subscription.fetch(10, 10_000);
    expect(again.map((d) => [d.message.id, d.deliveryCount])).toEqual([['retry-me', 2]]);
    await waiter.close();
  });

  /** Publishes `ids` to `topic` and leases them all to group `g`. */
  const leased = async (topic: string, ids: readonly string[]) => {
    const subscription = await transport.subscribe({ topic, group: 'g', ackWaitMs: 30_000 });
    await transport.publish(ids.map((id) => testMessage(topic, id)));
    const deliveries = await subscription.fetch(10, 5_000);
    expect(deliveries).toHaveLength(ids.length);
    return { subscription, deliveries };
  };

  it('when a delivery is acknowledged within a transaction on the log database, then the ack commits or rolls back with it', async () => {
    const topic = uniqueTopic('ack-within');
    const subscription = await transport.subscribe({ topic, group: 'g', ackWaitMs: 30_000 });
    await transport.publish([testMessage(topic, 'a')]);
    const [delivery] = await subscription.fetch(10, 5_000);

    // Another database (here: a look-alike of this one) cannot take it: the caller acks after commit.
    expect(await fixture.db.transaction((tx) => delivery!.ackWithin!(tx, { ...fixture.db }))).toBe(false);
    await expect(
      fixture.db.transaction(async (tx) => {
        expect(await delivery!.ackWithin!(tx, fixture.db)).toBe(true);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await pendingCount(topic)).toBe(1);

    await fixture.db.transaction((tx) => delivery!.ackWithin!(tx, fixture.db));
    expect(await pendingCount(topic)).toBe(0);
    await subscription.close();
  });

  it('when a transaction acknowledges several deliveries, then one statement right before its commit settles them all', async () => {
    const topic = uniqueTopic('ack-many');
    const { subscription, deliveries } = await leased(topic, ['a', 'b', 'c']);

    let statements = 0;
    await fixture.db.transaction(async (tx) => {
      const counted = countingTx(tx, () => statements++);
      for (const delivery of deliveries) expect(await delivery.ackWithin!(counted, fixture.db)).toBe(true);
      expect(statements).toBe(0);
    });
    expect(statements).toBe(1);
    expect(await pendingCount(topic)).toBe(0);
    expect(await subscription.fetch(10, 0)).toEqual([]);
    await subscription.close();
  });

  it('when a transaction acknowledges deliveries and then appends, then the append statement deletes the leases too', async () => {
    const topic = uniqueTopic('ack-then-append');
    const next = uniqueTopic('ack-then-append-next');
    const { subscription, deliveries } = await leased(topic, ['a', 'b']);

    let statements = 0;
    const handle = async (tx: SqlExecutor): Promise<void> => {
      const counted = countingTx(tx, () => statements++);
      for (const delivery of deliveries) expect(await delivery.ackWithin!(counted, fixture.db)).toBe(true);
      await transport.publishWithin!(counted, [testMessage(next, 'caused')]);
    };
    // Rolled back: the leases stay, nothing was appended.
    await expect(
      fixture.db.transaction(async (tx) => {
        await handle(tx);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await pendingCount(topic)).toBe(2);
    expect(await transport.headPosition(next)).toBe(0);

    statements = 0;
    await fixture.db.transaction(handle);
    // One statement in all: the append, which deleted the leases; nothing more ran at commit.
    expect(statements).toBe(1);
    expect(await pendingCount(topic)).toBe(0);
    expect(await transport.headPosition(next)).toBeGreaterThan(0);
    await subscription.close();
  });

  it('when a transaction appends at commit, then nothing runs until its end, where one statement per topic appends every write and deletes its leases', async () => {
    const topic = uniqueTopic('at-commit-acked');
    const first = uniqueTopic('at-commit-first');
    const second = uniqueTopic('at-commit-second');
    const { subscription, deliveries } = await leased(topic, ['a', 'b']);

    let statements = 0;
    const handle = async (tx: SqlExecutor): Promise<void> => {
      const counted = countingTx(tx, () => statements++);
      for (const delivery of deliveries) expect(await delivery.ackWithin!(counted, fixture.db)).toBe(true);
      await transport.publishWithin!(counted, [testMessage(first, 'one')], { atCommit: true });
      await transport.publishWithin!(counted, [testMessage(second, 'two'), testMessage(first, 'three')], {
        atCommit: true,
      });
      expect(statements).toBe(0);
    };
    await expect(
      fixture.db.transaction(async (tx) => {
        await handle(tx);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(statements).toBe(0);
    expect(await pendingCount(topic)).toBe(2);
    expect(await transport.headPosition(first)).toBe(0);

    await fixture.db.transaction(handle);
    expect(statements).toBe(2);
    expect(await pendingCount(topic)).toBe(0);
    const reader = await transport.subscribe({ topic: first, group: 'reader', ackWaitMs: 30_000 });
    expect((await reader.fetch(10, 5_000)).map((d) => d.message.id)).toEqual(['one', 'three']);
    expect(await transport.headPosition(second)).toBeGreaterThan(0);
    await reader.close();
    await subscription.close();
  });

  it('when a relay holds a transaction on the log database, then publishWithin appends in it: visible only after commit', async () => {
    const topic = uniqueTopic('publish-within');
    expect(transport.logDatabase).toBe(fixture.db);
    await expect(
      fixture.db.transaction(async (tx) => {
        await transport.publishWithin!(tx, [testMessage(topic, 'never')]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await transport.headPosition(topic)).toBe(0);

    await fixture.db.transaction((tx) => transport.publishWithin!(tx, [testMessage(topic, 'kept')]));
    const subscription = await transport.subscribe({ topic, group: 'g', ackWaitMs: 30_000 });
    expect((await subscription.fetch(10, 5_000)).map((d) => d.message.id)).toEqual(['kept']);
    await subscription.close();
  });

  it('when the transport is closed, then waiting and later fetches return [] and publish is refused', async () => {
    const topic = uniqueTopic('close');
    const closing = await createPglogTransport({ db: fixture.db, pruneIntervalMs: 0 });
    const subscription = await closing.subscribe({ topic, group: 'g', ackWaitMs: 30_000 });
    const waiting = subscription.fetch(10, 60_000);

    await closing.close();

    expect(await waiting).toEqual([]);
    await transport.publish([testMessage(topic, 'after-close')]);
    expect(await subscription.fetch(10, 1_000)).toEqual([]);
    await expect(closing.publish([testMessage(topic, 'x')])).rejects.toMatchObject({
      code: 'ORDO_ERR_MSG_TRANSPORT_CLOSED',
    });
    await expect(closing.subscribe({ topic, group: 'g', ackWaitMs: 1_000 })).rejects.toMatchObject({
      code: 'ORDO_ERR_MSG_TRANSPORT_CLOSED',
    });
  });

  it('when the migrations run again for a second transport, then the log is shared, not recreated', async () => {
    const topic = uniqueTopic('shared');
    await transport.publish([testMessage(topic, 'kept')]);
    const second: Transport = await createPglogTransport({ db: fixture.peer(), pruneIntervalMs: 0 });
    expect(await second.headPosition(topic)).toBe(await transport.headPosition(topic));
    await second.close();
  });

  it('when a topic is deleted, then its rows leave every log table and other topics keep theirs', async () => {
    const topic = uniqueTopic('deleted');
    const other = uniqueTopic('kept');
    await transport.ensureTopic(topic, { maxMessages: 10 });
    await transport.publish([testMessage(topic, 'd1'), testMessage(topic, 'd2'), testMessage(other, 'o1')]);
    for (const t of [topic, other]) {
      const subscription = await transport.subscribe({ topic: t, group: 'g', ackWaitMs: 30_000 });
      // Left unacked, so the group has a pending row too.
      expect(await subscription.fetch(1, 1_000)).toHaveLength(1);
      await subscription.close();
    }
    const rowsOf = async (t: string) => {
      const { rows } = await fixture.db.query<Record<string, number>>(
        `SELECT (SELECT count(*) FROM ordo_log.messages WHERE topic = $1)::int AS messages,
                (SELECT count(*) FROM ordo_log.topics WHERE topic = $1)::int AS topics,
                (SELECT count(*) FROM ordo_log.groups WHERE topic = $1)::int AS groups,
                (SELECT count(*) FROM ordo_log.pending WHERE topic = $1)::int AS pending`,
        [t],
      );
      return rows[0];
    };
    expect(await rowsOf(topic)).toEqual({ messages: 2, topics: 1, groups: 1, pending: 1 });

    await transport.deleteTopic(topic);
    await transport.deleteTopic(topic);

    expect(await rowsOf(topic)).toEqual({ messages: 0, topics: 0, groups: 0, pending: 0 });
    expect(await rowsOf(other)).toEqual({ messages: 1, topics: 1, groups: 1, pending: 1 });
    expect(await transport.headPosition(topic)).toBe(0);
  });
});

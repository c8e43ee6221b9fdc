// Local handoff: messages a transaction appends at commit go straight to this process's
// subscriptions that want them, leased in that transaction (handoff.ts).
import type { Db, SqlExecutor } from '@ordo/db';
import type { Delivery, TransportMessage } from '@ordo/messaging';
import { deferred } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPglogTransport, type PglogTransport } from './pglog.transport.js';
import { type ShapeFixture, shapes, testMessage, uniqueTopic } from './test-shapes.js';

/** `db`, counting the fetch statements (claims) run through it. */
function countingClaims(db: Db): { db: Db; readonly claims: number } {
  let claims = 0;
  return {
    db: {
      ...db,
      query: (text, params, options) => {
        if (text.trimStart().startsWith('WITH due AS')) claims++;
        return db.query(text, params, options);
      },
    },
    get claims() {
      return claims;
    },
  };
}

describe.each(shapes)('pglog handoff on %s', (_shape, open) => {
  let fixture: ShapeFixture;
  let counted: ReturnType<typeof countingClaims>;
  let transport: PglogTransport;

  beforeAll(async () => {
    fixture = await open();
    counted = countingClaims(fixture.db);
    // A long fallback poll: a fetch that gets anything without a handoff got it from a notification.
    transport = await createPglogTransport({ db: counted.db, pollIntervalMs: 60_000, pruneIntervalMs: 0 });
  });
  afterAll(async () => {
    await transport.close();
    await fixture.cleanup();
  });

  const appendAtCommit = (messages: TransportMessage[], then?: (tx: SqlExecutor) => Promise<void>) =>
    fixture.db.transaction(async (tx) => {
      await transport.publishWithin!(tx, messages, { atCommit: true });
      await then?.(tx);
    });

  const pending = async (topic: string): Promise<Array<{ group: string; position: number; deliveries: number }>> => {
    const { rows } = await fixture.db.query<{ group: string; position: string; deliveries: number }>(
      `SELECT "group", position, delivery_count AS deliveries FROM ordo_log.pending WHERE topic = $1 ORDER BY position`,
      [topic],
    );
    return rows.map((r) => ({ group: r.group, position: Number(r.position), deliveries: r.deliveries }));
  };

  const ids = (deliveries: Delivery[]): string[] => deliveries.map((d) => d.message.id);

  /** A new topic's subscription, and the message `id` handed to its waiting fetch. */
  const handedToWaitingFetch = async (label: string, id: string) => {
    const topic = uniqueTopic(label);
    const subscription = await transport.subscribe({ topic, group: 'g', ackWaitMs: 30_000 });
    const waiting = subscription.fetch(10, 10_000);
    await appendAtCommit([testMessage(topic, id)]);
    const got = await waiting;
    expect(ids(got)).toEqual([id]);
    return { topic, subscription, delivery: got[0]! };
  };

  it('when a fetch waits and a transaction appends at commit, then the messages reach it leased, with no fetch statement, and ack settles them', async () => {
    const topic = uniqueTopic('handoff');
    const subscription = await transport.subscribe({ topic, group: 'g', ackWaitMs: 30_000 });
    const claimsBefore = counted.claims;
    const waiting = subscription.fetch(10, 10_000);
    // The fetch's first look (nothing there) is over once its claim has been counted.
    await expect.poll(() => counted.claims).toBe(claimsBefore + 1);
    await appendAtCommit([testMessage(topic, 'a'), testMessage(topic, 'b')]);

    const got = await waiting;
    expect(ids(got)).toEqual(['a', 'b']);
    expect(got.map((d) => d.deliveryCount)).toEqual([1, 1]);
    expect(got[1]!.position).toBeGreaterThan(got[0]!.position);
    expect(got[0]!.message).toEqual(testMessage(topic, 'a'));
    expect(counted.claims).toBe(claimsBefore + 1);
    expect(await pending(topic)).toEqual(got.map((d) => ({ group: 'g', position: d.position, deliveries: 1 })));

    await fixture.db.transaction(async (tx) => {
      for (const delivery of got) expect(await delivery.ackWithin!(tx, counted.db)).toBe(true);
    });
    expect(await pending(topic)).toEqual([]);
    // The group's cursor moved past them: a later look finds nothing to deliver again.
    expect(await subscription.fetch(10, 0)).toEqual([]);
    await subscription.close();
  });

  it('when the transaction rolls back, then nothing is handed over or leased, and the fetch keeps waiting', async () => {
    const topic = uniqueTopic('handoff-rollback');
    const subscription = await transport.subscribe({ topic, group: 'g', ackWaitMs: 30_000 });
    expect(await subscription.fetch(10, 0)).toEqual([]);
    await expect(
      appendAtCommit([testMessage(topic, 'gone')], async () => {
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await subscription.fetch(10, 100)).toEqual([]);
    expect(await pending(topic)).toEqual([]);
    expect(await transport.headPosition(topic)).toBe(0);
    await subscription.close();
  });

  it('when the group has messages nobody fetched yet, then an append does not hand over and a fetch gets every message once, in order', async () => {
    const topic = uniqueTopic('handoff-behind');
    const subscription = await transport.subscribe({ topic, group: 'g', ackWaitMs: 30_000 });
    // The consumer asked for 10 (it has room), but nothing is waiting while the messages arrive.
    expect(await subscription.fetch(10, 0)).toEqual([]);
    await transport.publish([testMessage(topic, 'first')]);
    await appendAtCommit([testMessage(topic, 'second')]);
    expect(await pending(topic)).toEqual([]);

    const got = await subscription.fetch(10, 5_000);
    expect(ids(got)).toEqual(['first', 'second']);
    expect(got.map((d) => d.deliveryCount)).toEqual([1, 1]);
    expect(await subscription.fetch(10, 0)).toEqual([]);
    await subscription.close();
  });

  it('when a group is handed messages, then another group of the topic is woken and fetches them itself', async () => {
    const topic = uniqueTopic('handoff-other-group');
    const local = await transport.subscribe({ topic, group: 'local', ackWaitMs: 30_000 });
    // A second transport stands for another process: it consumes the topic with its own group.
    const other = await createPglogTransport({ db: fixture.peer(), pollIntervalMs: 60_000, pruneIntervalMs: 0 });
    try {
      const remote = await other.subscribe({ topic, group: 'remote', ackWaitMs: 30_000 });
      expect(await remote.fetch(10, 0)).toEqual([]);
      const localGot = local.fetch(10, 10_000);
      const remoteGot = remote.fetch(10, 10_000);
      await appendAtCommit([testMessage(topic, 'm')]);
      expect(ids(await localGot)).toEqual(['m']);
      expect(ids(await remoteGot)).toEqual(['m']);
      expect((await pending(topic)).map((p) => p.group).sort()).toEqual(['local', 'remote']);
      await remote.close();
    } finally {
      await other.close();
    }
    await local.close();
  });

  it('when a fetch returns handed-over messages with fetched ones, then they come in position order', async () => {
    const { topic, subscription, delivery: first } = await handedToWaitingFetch('handoff-order', 'first');
    // Handed over while nothing fetches; then the first one is given back, due at once.
    await appendAtCommit([testMessage(topic, 'second')]);
    await first.nak(0);

    // A fetch that may not wait always looks: it leases the redelivery and adds what it holds.
    const got = await subscription.fetch(10, 0);
    expect(ids(got)).toEqual(['first', 'second']);
    expect(got.map((d) => d.deliveryCount)).toEqual([2, 1]);
    await subscription.close();
  });

  it('when a handed-over message is not acked within the ack wait, then another member of the group gets it again', async () => {
    const topic = uniqueTopic('handoff-lease');
    const first = await transport.subscribe({ topic, group: 'g', ackWaitMs: 300 });
    const waiting = first.fetch(10, 10_000);
    await expect
      .poll(async () => (await fixture.db.query('SELECT 1 FROM ordo_log.groups WHERE topic = $1', [topic])).rowCount)
      .toBe(1);
    await appendAtCommit([testMessage(topic, 'held')]);
    expect(ids(await waiting)).toEqual(['held']);
    await first.close();

    // The first member stopped without acking (as a process that died would).
    const second = await transport.subscribe({ topic, group: 'g', ackWaitMs: 30_000 });
    let again: Delivery[] = [];
    await expect
      .poll(
        async () => {
          again = await second.fetch(10, 0);
          return ids(again);
        },
        { timeout: 5_000 },
      )
      .toEqual(['held']);
    expect(again[0]!.deliveryCount).toBe(2);
    await again[0]!.ack();
    await second.close();
  });

  it('when a subscription closes with handed-over messages it has not fetched, then they go back to the group at once', async () => {
    const { topic, subscription: first } = await handedToWaitingFetch('handoff-close', 'taken');
    // Not fetching now, but it has room by its last fetch: the next append is handed to it too.
    await appendAtCommit([testMessage(topic, 'parked')]);
    expect((await pending(topic)).map((p) => p.deliveries)).toEqual([1, 1]);
    await first.close();

    const second = await transport.subscribe({ topic, group: 'g', ackWaitMs: 30_000 });
    const got = await second.fetch(10, 0);
    expect(ids(got)).toEqual(['parked']);
    expect(got[0]!.deliveryCount).toBe(2);
    await second.close();
  });
});

// Two transactions racing for one topic need two connections: Postgres only (PGlite has one).
describe('pglog handoff racing another append, on postgres', () => {
  let fixture: ShapeFixture;
  let transport: PglogTransport;
  let other: PglogTransport;

  beforeAll(async () => {
    fixture = await shapes[0]![1]();
    transport = await createPglogTransport({ db: fixture.db, pollIntervalMs: 60_000, pruneIntervalMs: 0 });
    // Another process appending to the same log, with no subscriptions of its own.
    other = await createPglogTransport({ db: fixture.peer(), pollIntervalMs: 60_000, pruneIntervalMs: 0 });
  });
  afterAll(async () => {
    await other.close();
    await transport.close();
    await fixture.cleanup();
  });

  const waitingForTopicLock = async (): Promise<boolean> => {
    const { rows } = await fixture.db.query<{ waiting: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted) AS waiting`,
    );
    return rows[0]?.waiting === true;
  };

  it('when an append commits while the next one waits for the topic lock, and the group has not fetched it, then the next one is not handed over and a fetch gets both in order', async () => {
    const topic = uniqueTopic('handoff-race');
    const subscription = await transport.subscribe({ topic, group: 'g', ackWaitMs: 30_000 });
    // It has room by this fetch, so it wants handed-over messages; no fetch waits meanwhile.
    expect(await subscription.fetch(10, 0)).toEqual([]);

    const release = deferred();
    const firstAppended = deferred();
    // The first append takes the topic's lock and holds it until its transaction commits.
    const first = fixture.peer().transaction(async (tx) => {
      await other.publishWithin!(tx, [testMessage(topic, 'first')], {});
      firstAppended.resolve();
      await release.promise;
    });
    await firstAppended.promise;
    // The second starts its statement (and its snapshot) before the first commits.
    const second = fixture.db.transaction(async (tx) => {
      await transport.publishWithin!(tx, [testMessage(topic, 'second')], { atCommit: true });
    });
    await expect.poll(waitingForTopicLock).toBe(true);
    release.resolve();
    await first;
    await second;

    // Handing 'second' over would have moved the group's cursor past 'first', which nobody fetched.
    expect(await pendingOf(fixture.db, topic)).toEqual([]);
    const got = await subscription.fetch(10, 5_000);
    expect(got.map((d) => d.message.id)).toEqual(['first', 'second']);
    await subscription.close();
  });

  it('when the log does not know the topic’s last position, then an append hands nothing over, and the next one does', async () => {
    const topic = uniqueTopic('handoff-unknown-last');
    const subscription = await transport.subscribe({ topic, group: 'g', ackWaitMs: 30_000 });
    expect(await subscription.fetch(10, 0)).toEqual([]);
    // As a topic registered before the log kept positions.
    await fixture.db.query('UPDATE ordo_log.topics SET last_position = NULL WHERE topic = $1', [topic]);

    await fixture.db.transaction((tx) => transport.publishWithin!(tx, [testMessage(topic, 'a')], { atCommit: true }));
    expect(await pendingOf(fixture.db, topic)).toEqual([]);
    const fetched = await subscription.fetch(10, 5_000);
    expect(fetched.map((d) => d.message.id)).toEqual(['a']);
    await fetched[0]!.ack();

    await fixture.db.transaction((tx) => transport.publishWithin!(tx, [testMessage(topic, 'b')], { atCommit: true }));
    expect((await pendingOf(fixture.db, topic)).map((p) => p.group)).toEqual(['g']);
    expect((await subscription.fetch(10, 5_000)).map((d) => d.message.id)).toEqual(['b']);
    await subscription.close();
  });
});

async function pendingOf(db: Db, topic: string): Promise<Array<{ group: string; position: number }>> {
  const { rows } = await db.query<{ group: string; position: string }>(
    'SELECT "group", position FROM ordo_log.pending WHERE topic = $1 ORDER BY position',
    [topic],
  );
  return rows.map((r) => ({ group: r.group, position: Number(r.position) }));
}

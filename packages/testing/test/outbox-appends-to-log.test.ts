// The outbox writer as the log's appender (ADR 0025): with the pglog transport's log in the
// service's own database, the messages a transaction writes go into the log in that transaction,
// right before its commit, with no outbox row; the relay never handles them.
import { migrate } from '@ordo/db';
import { type Envelope, parseEnvelope, type Subscription } from '@ordo/messaging';
import { OutboxRelay, OutboxWriter, outboxMigrations } from '@ordo/outbox';
import { createPglogTransport, type PglogTransport } from '@ordo/transport-pglog';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, TEST_DATABASES, type TestDatabase } from '../src/index.js';

const SCHEMA = 'producer';
const TOPIC = 'producer.events';

describe.each(TEST_DATABASES)(
  'the outbox writer appending to a pglog log in its own database, on $name',
  ({ kind }) => {
    let database: TestDatabase;
    let transport: PglogTransport;
    let writer: OutboxWriter;
    let subscription: Subscription;

    beforeEach(async () => {
      database = await openTestDatabase(kind, { prefix: 'ordo_outbox_log' });
      await migrate(database.db, SCHEMA, outboxMigrations);
      transport = await createPglogTransport({ db: database.db, pollIntervalMs: 100, pruneIntervalMs: 0 });
      writer = new OutboxWriter(SCHEMA);
      // The relay is what turns the writer into an appender: its publisher's log is its database.
      new OutboxRelay({ db: database.db, schema: SCHEMA, publisher: transport, writer });
      subscription = await transport.subscribe({ topic: TOPIC, group: 'reader', ackWaitMs: 30_000 });
    });
    afterEach(async () => {
      await subscription.close();
      await transport.close();
      await database.close();
    });

    const fetched = async (): Promise<Envelope[]> => {
      const deliveries = await subscription.fetch(50, 2_000);
      for (const delivery of deliveries) await delivery.ack();
      return deliveries.map((d) => parseEnvelope(d.message.body));
    };
    const outboxRows = async (where = 'true') =>
      Number(
        (await database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${SCHEMA}.outbox WHERE ${where}`))
          .rows[0]?.n,
      );
    const unsentRows = () => outboxRows('sent_at IS NULL');

    it('when a transaction writes and commits, then its messages are in the log with their seqs, and no outbox row was written', async () => {
      const written = await database.db.transaction(async (tx) => {
        const first = await writer.write(tx, [
          { topic: TOPIC, type: 'thing.made.v1', key: 'a', payload: { n: 1 } },
          { topic: TOPIC, type: 'thing.made.v1', key: 'b', payload: { n: 1 } },
        ]);
        // A second write in the same transaction joins the same append, after the first.
        const second = await writer.write(tx, [{ topic: TOPIC, type: 'thing.made.v1', key: 'a', payload: { n: 2 } }]);
        return [...first, ...second];
      });

      expect(written.map((e) => [e.key, e.seq])).toEqual([
        ['a', 1],
        ['b', 1],
        ['a', 2],
      ]);
      expect(await fetched()).toEqual(written);
      expect(await outboxRows()).toBe(0);
    });

    it('when the transaction rolls back after writing, then nothing reaches the log and the seqs are not used up', async () => {
      await expect(
        database.db.transaction(async (tx) => {
          await writer.write(tx, [{ topic: TOPIC, type: 'thing.made.v1', key: 'a', payload: { n: 1 } }]);
          throw new Error('the business rule said no');
        }),
      ).rejects.toThrow('the business rule said no');
      const [kept] = await database.db.transaction((tx) =>
        writer.write(tx, [{ topic: TOPIC, type: 'thing.made.v1', key: 'a', payload: { n: 2 } }]),
      );

      expect(await fetched()).toEqual([kept]);
      expect(kept?.seq).toBe(1);
    });

    it('when a savepoint is rolled back after a write, then that write never reaches the log', async () => {
      // What the saga engine does when a local step fails.
      const kept = await database.db.transaction(async (tx) => {
        const step = await tx.savepoint?.(async () => {
          await writer.write(tx, [{ topic: TOPIC, type: 'thing.made.v1', key: 'a', payload: { step: 'failed' } }]);
          throw new Error('the step failed after its write');
        });
        expect(step?.ok).toBe(false);
        return writer.write(tx, [{ topic: TOPIC, type: 'thing.made.v1', key: 'a', payload: { step: 'compensated' } }]);
      });

      expect(await fetched()).toEqual(kept);
      expect(kept[0]?.seq).toBe(1);
    });

    it('when a write is made outside a transaction, then it goes through the outbox and the relay as before', async () => {
      // The Db itself has no before-commit: the row is the only durable record, so it is kept.
      const [envelope] = await writer.write(database.db, [
        { topic: TOPIC, type: 'thing.made.v1', key: 'c', payload: { n: 1 } },
      ]);
      expect(await unsentRows()).toBe(1);
      const relay = new OutboxRelay({ db: database.db, schema: SCHEMA, publisher: transport });
      expect(await relay.drain()).toBe(1);
      expect(await fetched()).toEqual([envelope]);
    });

    // PGlite runs one transaction at a time, so only a server can show this.
    if (kind === 'postgres') {
      it('when a transaction that wrote stays open, then another transaction appending to the same topic commits meanwhile', async () => {
        // The topic's append lock is taken right before the commit, not at the write.
        let finishSlow!: () => void;
        const slowMayCommit = new Promise<void>((resolve) => {
          finishSlow = resolve;
        });
        let slowWrote!: () => void;
        const slowHasWritten = new Promise<void>((resolve) => {
          slowWrote = resolve;
        });
        const slow = database.db.transaction(async (tx) => {
          await writer.write(tx, [{ topic: TOPIC, type: 'thing.made.v1', key: 'slow', payload: {} }]);
          slowWrote();
          await slowMayCommit;
        });
        await slowHasWritten;
        await database.db.transaction((tx) =>
          writer.write(tx, [{ topic: TOPIC, type: 'thing.made.v1', key: 'quick', payload: {} }]),
        );
        expect((await fetched()).map((e) => e.key)).toEqual(['quick']);

        finishSlow();
        await slow;
        expect((await fetched()).map((e) => e.key)).toEqual(['slow']);
      });
    }
  },
);

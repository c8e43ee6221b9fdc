// The inbox claim and the per-aggregate seq check in one statement, on PGlite and Postgres.
import { type Db, migrate } from '@ordo/db';
import { openTestDatabase, TEST_DATABASES, type TestDatabase } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Inbox } from './inbox.js';
import { inboxMigrations } from './migrations.js';
import { ConsumerSequences } from './sequences.js';

const SCHEMA = 'inbox_test';

describe.each(TEST_DATABASES)('ConsumerSequences.claimAndAdvance on $name', ({ kind }) => {
  let database: TestDatabase;
  let db: Db;
  const inbox = new Inbox(SCHEMA, 'c1');
  const sequences = new ConsumerSequences(SCHEMA, 'c1');
  beforeAll(async () => {
    database = await openTestDatabase(kind, { prefix: 'ordo_inbox' });
    db = database.db;
    await migrate(db, SCHEMA, inboxMigrations);
  });
  afterAll(() => database.close());

  const step = (id: string, key: string, seq: number) =>
    db.transaction((tx) => sequences.claimAndAdvance(tx, inbox, id, key, seq, 1_000));
  const lastSeq = async (key: string) =>
    (
      await db.query<{ last_seq: number }>(
        `SELECT last_seq FROM ${SCHEMA}.consumer_sequences WHERE consumer = 'c1' AND key = $1`,
        [key],
      )
    ).rows[0]?.last_seq;

  it('when messages of a key arrive 1, 2, again 2, then 1 and 3 late, then next, next, duplicate, stale, next', async () => {
    expect(await step('m1', 'k', 1)).toBe('next');
    expect(await step('m2', 'k', 2)).toBe('next');
    expect(await step('m2', 'k', 2)).toBe('duplicate');
    expect(await step('m1-copy', 'k', 1)).toBe('stale');
    expect(await step('m3', 'k', 3)).toBe('next');
    expect(await lastSeq('k')).toBe(3);
  });

  it('when a later seq comes first, then it is a gap and, rolled back, leaves neither the inbox row nor a seq', async () => {
    await expect(
      db.transaction(async (tx) => {
        expect(await sequences.claimAndAdvance(tx, inbox, 'g2', 'g', 2, 1_000)).toBe('gap');
        throw new Error('the consumer rolls a gap back');
      }),
    ).rejects.toThrow('rolls a gap back');
    expect(await step('g1', 'g', 1)).toBe('next');
    expect(await step('g2', 'g', 2)).toBe('next');
  });

  it('when the id was processed before, then nothing is written for its key', async () => {
    expect(await step('dup', 'd', 1)).toBe('next');
    expect(await step('dup', 'other-key', 1)).toBe('duplicate');
    expect(await lastSeq('other-key')).toBeUndefined();
  });
});

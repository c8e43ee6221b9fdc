// On real Postgres: what an append does before it writes. `lockHead` holds the append lock, runs
// the rest of the transaction as the writer role until `release`, and reads the head only once the
// lock is held, so a writer that waited sees the entry of the one it waited for. It also finds the
// entry already recorded for a redelivered event.
import { type Db, migrate, type SqlExecutor } from '@ordo/db';
import { openTestDatabase, type TestDatabase } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUDIT_SCHEMA,
  AUDIT_WRITER_ROLE,
  type AuditEntry,
  AuditLogRepository,
  auditServiceMigrations,
  chainEntry,
} from '../src/index.js';
import { capturedPaymentFields } from './support/entry-fields.js';

/** The append lock's key (`APPEND_LOCK` in the repository), as `pg_locks.objid` shows it. */
const APPEND_LOCK_KEY = 0x0a0d17;

describe('the audit append lock on Postgres', () => {
  let database: TestDatabase;
  let db: Db;
  const log = new AuditLogRepository(AUDIT_SCHEMA);

  beforeAll(async () => {
    database = await openTestDatabase('postgres', { prefix: 'ordo_audit_lock' });
    db = database.db;
    await migrate(db, AUDIT_SCHEMA, auditServiceMigrations);
  });

  afterAll(async () => {
    await database?.close();
  });

  const currentUser = async (tx: SqlExecutor) =>
    (await tx.query<{ who: string }>('SELECT current_user AS who')).rows[0]?.who;

  /** Appends one entry the way the service does; `held` runs while the lock is held. */
  const append = (eventId: string, held: () => Promise<void> = async () => {}) =>
    db.transaction(async (tx) => {
      const { head, known } = await log.lockHead(tx, eventId);
      if (known) {
        await log.release(tx);
        return known;
      }
      const entry = chainEntry(head, capturedPaymentFields(eventId));
      await log.insert(tx, entry);
      await held();
      await log.release(tx);
      return entry;
    });

  it('when the lock is held, then the transaction runs as the writer role until release, and as itself after', async () => {
    const seen = await db.transaction(async (tx) => {
      const before = await currentUser(tx);
      await log.lockHead(tx);
      const during = await currentUser(tx);
      await log.release(tx);
      return { before, during, after: await currentUser(tx) };
    });
    expect(seen.during).toBe(AUDIT_WRITER_ROLE);
    expect(seen.before).not.toBe(AUDIT_WRITER_ROLE);
    expect(seen.after).toBe(seen.before);
  });

  it('when a second writer waits for the lock, then it links to the entry the first one wrote', async () => {
    let releaseFirst: () => void = () => {};
    const firstHolds = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let firstWrote: () => void = () => {};
    const written = new Promise<void>((resolve) => {
      firstWrote = resolve;
    });
    const first = append('evt-lock-1', async () => {
      firstWrote();
      await firstHolds;
    });
    await written;
    // The first has written its entry and holds the lock; the second asks for it and waits.
    const second = append('evt-lock-2');
    await expect
      .poll(
        async () =>
          (
            await db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_locks
               WHERE locktype = 'advisory' AND NOT granted AND objid = $1 AND objsubid = 1
                 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
              [APPEND_LOCK_KEY],
            )
          ).rows[0]?.n,
      )
      .toBe(1);
    releaseFirst();
    const [a, b] = (await Promise.all([first, second])) as [AuditEntry, AuditEntry];
    expect(b.position).toBe(a.position + 1);
    expect(b.prevHash).toBe(a.hash);
  });

  it('when an event was recorded already, then the lock finds its entry and nothing is appended', async () => {
    const entry = await append('evt-again');
    const count = async () =>
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${AUDIT_SCHEMA}.audit_log`)).rows[0]?.n;
    const before = await count();
    const again = await append('evt-again');
    expect(again).toEqual(entry);
    expect(await count()).toBe(before);
  });
});

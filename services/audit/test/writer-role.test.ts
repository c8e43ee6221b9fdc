// On real Postgres: the role the audit service appends with can INSERT and SELECT the log and its
// checkpoints, and nothing else; and the append-only trigger refuses changes even from a superuser.
import { type Db, migrate } from '@ordo/db';
import { openTestDatabase, type TestDatabase } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_SCHEMA, AUDIT_WRITER_ROLE, auditServiceMigrations, chainEntry } from '../src/index.js';
import { capturedPaymentFields } from './support/entry-fields.js';

const ENTRY = chainEntry(undefined, capturedPaymentFields('evt-1'));

function asWriter<T>(db: Db, statement: string, params: unknown[] = []): Promise<T[]> {
  return db.transaction(async (tx) => {
    await tx.query(`SET LOCAL ROLE ${AUDIT_WRITER_ROLE}`);
    return (await tx.query<T>(statement, params)).rows;
  });
}

const CHANGES = [
  ['UPDATE', `UPDATE ${AUDIT_SCHEMA}.audit_log SET action = 'payment.refunded' WHERE position = 1`],
  ['DELETE', `DELETE FROM ${AUDIT_SCHEMA}.audit_log WHERE position = 1`],
  ['TRUNCATE', `TRUNCATE ${AUDIT_SCHEMA}.audit_log CASCADE`],
  ['UPDATE checkpoint', `UPDATE ${AUDIT_SCHEMA}.audit_checkpoints SET head_hash = 'x'`],
  ['DELETE checkpoint', `DELETE FROM ${AUDIT_SCHEMA}.audit_checkpoints`],
] as const;

describe('the audit writer role on Postgres', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase('postgres', { prefix: 'ordo_audit_role' });
    await migrate(database.db, AUDIT_SCHEMA, auditServiceMigrations);
  });

  afterAll(async () => {
    await database?.close();
  });

  it('when the writer inserts and selects, then both work', async () => {
    const { db } = database;
    await asWriter(
      db,
      `INSERT INTO ${AUDIT_SCHEMA}.audit_log (position, event_id, action, actor_kind, actor_id, subject_type,
         subject_id, occurred_at, recorded_at, before, after, correlation_id, prev_hash, hash)
       VALUES (1, $1, $2, 'service', 'payment', 'payment', 'pay-1', $3, $4, '{}', '{}', 'corr-1', $5, $6)`,
      [ENTRY.eventId, ENTRY.action, ENTRY.occurredAt, ENTRY.recordedAt, ENTRY.prevHash, ENTRY.hash],
    );
    await asWriter(
      db,
      `INSERT INTO ${AUDIT_SCHEMA}.audit_checkpoints (position, head_hash, signed_at, key_id, signature)
       VALUES (1, $1, now(), 'k', 's')`,
      [ENTRY.hash],
    );
    const rows = await asWriter<{ position: string }>(db, `SELECT position FROM ${AUDIT_SCHEMA}.audit_log`);
    expect(rows.map((r) => Number(r.position))).toEqual([1]);
  });

  it.each(CHANGES)('when the writer tries %s, then Postgres refuses it for lack of privilege', async (_, statement) => {
    await expect(asWriter(database.db, statement)).rejects.toMatchObject({
      code: '42501',
      message: expect.stringMatching(/permission denied/),
    });
  });

  it.each(CHANGES)('when a superuser tries %s, then the append-only trigger refuses it', async (_, statement) => {
    await expect(database.db.query(statement)).rejects.toMatchObject({
      code: '42501',
      message: expect.stringMatching(/append-only/),
    });
    const { rows } = await database.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${AUDIT_SCHEMA}.audit_log`);
    expect(Number(rows[0]?.n)).toBe(1);
  });
});

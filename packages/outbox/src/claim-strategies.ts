// How a relay takes a batch of unsent rows so that several relays never publish the same row
// at once and a crashed relay's rows are taken over.
//
// - locking (Postgres): the rows stay locked (FOR UPDATE SKIP LOCKED) in one transaction that
//   publishes and marks them sent. A crash anywhere rolls it back and frees the rows at once.
//   When the transport's log lives in the same database (pglog), the publish is an append inside
//   that same transaction: the rows, their log entries and the mark commit together.
// - leasing (PGlite, publishing elsewhere): one connection serves the whole process, so no
//   transaction may stay open across a publish that opens its own. Rows are leased for a while
//   instead; the database belongs to this process alone, so a restart frees old leases.
import { type Db, ident, type SqlExecutor } from '@ordo/db';
import { OUTBOX_COLUMNS, type OutboxRow } from './outbox-row.js';

export interface ClaimStrategy {
  /**
   * Claims up to `limit` unsent rows, runs `publish` on them, and marks them sent if it resolves.
   * `publish` gets the claiming transaction when there is one (locking claims).
   */
  withBatch(limit: number, publish: (rows: OutboxRow[], tx?: SqlExecutor) => Promise<void>): Promise<number>;
  /** Frees what a previous run of this process left claimed. */
  recover(): Promise<void>;
}

/**
 * Rows written less than `graceMs` ago are not claimed: while the relay's after-commit path is on,
 * it publishes them itself, and the claiming loop only picks up what it could not (a crash, a
 * broker outage). `occurred_at` is the writer's clock.
 */
function unclaimedAfter(graceMs: number | undefined): string {
  return graceMs === undefined
    ? ''
    : ` AND occurred_at < clock_timestamp() - make_interval(secs => ${Number(graceMs) / 1000})`;
}

export function lockingClaims(db: Db, schema: string, graceMs?: number): ClaimStrategy {
  const table = `${ident(schema)}.outbox`;
  const settled = unclaimedAfter(graceMs);
  return {
    async withBatch(limit, publish) {
      return db.transaction(async (tx) => {
        const { rows } = await tx.query<OutboxRow>(
          `SELECT ${OUTBOX_COLUMNS} FROM ${table} WHERE sent_at IS NULL${settled} ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [limit],
          { prepare: true },
        );
        if (rows.length === 0) return 0;
        await publish(rows, tx);
        await markSent(tx, table, rows);
        return rows.length;
      });
    },
    async recover() {},
  };
}

export function leasingClaims(db: Db, schema: string, leaseMs: number, graceMs?: number): ClaimStrategy {
  const table = `${ident(schema)}.outbox`;
  const settled = unclaimedAfter(graceMs);
  return {
    async withBatch(limit, publish) {
      const { rows } = await db.query<OutboxRow>(
        `UPDATE ${table} SET claimed_until = clock_timestamp() + make_interval(secs => $2::double precision / 1000)
         WHERE id IN (
           SELECT id FROM ${table}
           WHERE sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < clock_timestamp())${settled}
           ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING ${OUTBOX_COLUMNS}`,
        [limit, leaseMs],
      );
      if (rows.length === 0) return 0;
      rows.sort((a, b) => a.id - b.id);
      try {
        await publish(rows);
      } catch (error) {
        await db
          .query(
            `UPDATE ${table} SET claimed_until = NULL, publish_failures = publish_failures + 1, last_error = $2
             WHERE id = ANY($1)`,
            [rows.map((r) => r.id), String(error).slice(0, 1_000)],
          )
          .catch(() => {});
        throw error;
      }
      await markSent(db, table, rows);
      return rows.length;
    },
    async recover() {
      await db.query(`UPDATE ${table} SET claimed_until = NULL WHERE sent_at IS NULL AND claimed_until IS NOT NULL`);
    },
  };
}

/**
 * Marks `rows` sent. The ids go through `LIMIT cardinality(…)`, which changes no result: the
 * planner then expects a row or two instead of its guess of ten for `= ANY($1)`, so the rows are
 * looked up by key even when the connection's plan was made while the outbox was young (a generic
 * plan made on a few pages reads the whole table at every publish, as the table grows).
 */
export async function markSent(executor: SqlExecutor, table: string, rows: readonly OutboxRow[]): Promise<void> {
  await executor.query(
    `UPDATE ${table} SET sent_at = now(), claimed_until = NULL
     WHERE id IN (SELECT unnest($1::bigint[]) LIMIT cardinality($1::bigint[]))`,
    [rows.map((r) => r.id)],
    { prepare: true },
  );
}

// One fetch attempt: lease due redeliveries, then new messages, in one short transaction.
// It never waits: with PGlite an open transaction blocks the whole database, and on Postgres it
// would pin a pooled connection. Waiting happens outside, in the subscription.
import type { Db, SqlExecutor } from '@ordo/db';
import { type LogTables, nowPlusMs } from './tables.js';

export interface ClaimedRow {
  position: number;
  delivery_count: number;
  id: string;
  type: string;
  key: string;
  headers: Record<string, string> | null;
  body: string;
}

export interface ClaimRequest {
  readonly topic: string;
  readonly group: string;
  readonly max: number;
  readonly ackWaitMs: number;
  /** Pending rows delivered this many times are no longer redelivered (they stay pending). */
  readonly maxDeliver: number;
}

export interface ClaimResult {
  readonly rows: ClaimedRow[];
  /**
   * Another member held the group row, so new messages were not looked at. The caller retries
   * soon instead of waiting for a notification that may already have been consumed.
   */
  readonly contended: boolean;
}

// Rows in pending whose lease ran out (ack wait passed, or a nak's delay is due), oldest first.
// SKIP LOCKED: a row another member is leasing right now is simply not ours this round.
async function leaseDue(tx: SqlExecutor, t: LogTables, req: ClaimRequest, limit: number): Promise<ClaimedRow[]> {
  const { rows } = await tx.query<ClaimedRow>(
    `WITH due AS (
       SELECT position FROM ${t.pending}
       WHERE topic = $1 AND "group" = $2 AND visible_at <= now() AND delivery_count < $5
       ORDER BY position
       LIMIT $3
       FOR UPDATE SKIP LOCKED
     ), leased AS (
       UPDATE ${t.pending} AS p
       SET delivery_count = p.delivery_count + 1, visible_at = ${nowPlusMs(4)}
       FROM due
       WHERE p.topic = $1 AND p."group" = $2 AND p.position = due.position
       RETURNING p.position, p.delivery_count
     )
     SELECT l.position, l.delivery_count, m.id, m.type, m.key, m.headers, m.body
     FROM leased AS l JOIN ${t.messages} AS m ON m.position = l.position
     ORDER BY l.position`,
    [req.topic, req.group, limit, req.ackWaitMs, req.maxDeliver],
    { prepare: true },
  );
  // A pending row whose message was pruned is leased but not joined; retention deletes it.
  return rows;
}

// Messages after the group's cursor. The group row is the group's read lock: whoever holds it
// hands out the next positions and advances the cursor. SKIP LOCKED so that competing members
// never queue behind each other; the member that finds it taken returns `undefined`.
async function leaseNew(
  tx: SqlExecutor,
  t: LogTables,
  req: ClaimRequest,
  limit: number,
): Promise<ClaimedRow[] | undefined> {
  const group = await tx.query<{ cursor: number }>(
    `SELECT cursor FROM ${t.groups} WHERE topic = $1 AND "group" = $2 FOR UPDATE SKIP LOCKED`,
    [req.topic, req.group],
    { prepare: true },
  );
  const cursor = group.rows[0]?.cursor;
  if (cursor === undefined) return undefined;
  // `batch` is referenced three times, so Postgres materializes it once: the rows handed out,
  // the pending rows and the new cursor all come from the same read. ON CONFLICT is a safety net:
  // no pending row should exist beyond the cursor (seek deletes them in the transaction that moves
  // the cursor back); if one does, its lease is renewed rather than the fetch failing.
  const { rows } = await tx.query<ClaimedRow>(
    `WITH batch AS (
       SELECT position, id, type, key, headers, body FROM ${t.messages}
       WHERE topic = $1 AND position > $3
       ORDER BY position
       LIMIT $4
     ), leased AS (
       INSERT INTO ${t.pending} AS p (topic, "group", position, delivery_count, visible_at)
       SELECT $1, $2, position, 1, ${nowPlusMs(5)} FROM batch
       ON CONFLICT (topic, "group", position)
         DO UPDATE SET delivery_count = p.delivery_count + 1, visible_at = EXCLUDED.visible_at
       RETURNING position, delivery_count
     ), advanced AS (
       UPDATE ${t.groups} SET cursor = (SELECT max(position) FROM batch)
       WHERE topic = $1 AND "group" = $2 AND EXISTS (SELECT 1 FROM batch)
     )
     SELECT b.position, l.delivery_count, b.id, b.type, b.key, b.headers, b.body
     FROM batch AS b JOIN leased AS l ON l.position = b.position
     ORDER BY b.position`,
    [req.topic, req.group, cursor, limit, req.ackWaitMs],
    { prepare: true },
  );
  return rows;
}

// Whether a claim would find anything: a due redelivery, or a message past the group's cursor.
// One read-only statement outside any transaction. Most fetch attempts find nothing (a wake-up
// for a topic several groups read, the look after each batch, the fallback poll); without this,
// each of them would lock the group row, and a row lock is a write that costs a WAL flush.
async function anythingToClaim(db: Db, t: LogTables, req: ClaimRequest): Promise<boolean> {
  const { rows } = await db.query<{ due: boolean; fresh: boolean }>(
    `SELECT
       EXISTS (SELECT 1 FROM ${t.pending}
               WHERE topic = $1 AND "group" = $2 AND visible_at <= now() AND delivery_count < $3) AS due,
       EXISTS (SELECT 1 FROM ${t.groups} AS g JOIN ${t.messages} AS m ON m.topic = g.topic AND m.position > g.cursor
               WHERE g.topic = $1 AND g."group" = $2) AS fresh`,
    [req.topic, req.group, req.maxDeliver],
    { prepare: true },
  );
  const row = rows[0];
  return row !== undefined && (row.due || row.fresh);
}

/** Leases up to `max` deliveries for the group: redeliveries first, then new messages. */
export async function claim(db: Db, tables: LogTables, req: ClaimRequest): Promise<ClaimResult> {
  if (!(await anythingToClaim(db, tables, req))) return { rows: [], contended: false };
  return db.transaction(async (tx) => {
    const redelivered = await leaseDue(tx, tables, req, req.max);
    const room = req.max - redelivered.length;
    if (room <= 0) return { rows: redelivered, contended: false };
    const fresh = await leaseNew(tx, tables, req, room);
    if (fresh === undefined) return { rows: redelivered, contended: true };
    return { rows: [...redelivered, ...fresh], contended: false };
  });
}

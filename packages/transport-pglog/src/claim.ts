// One fetch attempt: lease due redeliveries, then new messages, in one statement.
// It never waits: with PGlite an open transaction blocks the whole database, and on Postgres it
// would pin a pooled connection. Waiting happens outside, in the subscription.
import type { Db } from '@ordo/db';
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

// One statement, so one round trip and no explicit transaction (BEGIN and COMMIT are round trips
// too): due redeliveries first, then messages after the group's cursor, up to `max` in all.
// - `due`: rows in pending whose lease ran out (ack wait passed, or a nak's delay is due), oldest
//   first; SKIP LOCKED, so a row another member is leasing right now is simply not ours this round.
// - `held`: the group row is the group's read lock. Whoever holds it hands out the next positions
//   and advances the cursor; SKIP LOCKED so that competing members never queue behind each other.
//   It is locked only when a message lies past its cursor: most attempts that find nothing (a
//   wake-up for a topic several groups read, the fallback poll) then lock no row at all, and the
//   statement writes nothing, so it costs no WAL flush. `fresh` says whether there was something
//   past the cursor in this statement's snapshot, looked at only when `held` is empty (AND stops at
//   its first false): a member that saw something but could not lock the row (another member
//   holds it) gets no new messages and `contended` (it retries soon).
//   FOR UPDATE reads the row's newest committed version, so the cursor is current even when
//   another member moved it after this statement's snapshot was taken.
// - `batch` is referenced three times, so Postgres materializes it once: the rows handed out, the
//   pending rows and the new cursor all come from the same read. ON CONFLICT is a safety net: no
//   pending row should exist beyond the cursor (seek deletes them in the transaction that moves the
//   cursor back); if one does, its lease is renewed rather than the fetch failing. The cursor is
//   read by a scalar subquery so that it bounds the index scan (`position > cursor` as an index
//   condition); as a join, the topic's every retained message would be read and filtered.
// The outer LEFT JOIN returns one row even when nothing was leased, to carry `contended`.
// A pending row whose message was pruned is leased but not joined; retention deletes it.
function claimSql(t: LogTables): string {
  return `WITH due AS (
       SELECT position FROM ${t.pending}
       WHERE topic = $1 AND "group" = $2 AND visible_at <= now() AND delivery_count < $5
       ORDER BY position
       LIMIT $3
       FOR UPDATE SKIP LOCKED
     ), redelivered AS (
       UPDATE ${t.pending} AS p
       SET delivery_count = p.delivery_count + 1, visible_at = ${nowPlusMs(4)}
       FROM due
       WHERE p.topic = $1 AND p."group" = $2 AND p.position = due.position
       RETURNING p.position, p.delivery_count
     ), fresh AS (
       SELECT EXISTS (
         SELECT 1 FROM ${t.messages}
         WHERE topic = $1
           AND position > (SELECT cursor FROM ${t.groups} WHERE topic = $1 AND "group" = $2)
       ) AS fresh
     ), held AS (
       SELECT g.cursor FROM ${t.groups} AS g
       WHERE g.topic = $1 AND g."group" = $2
         AND EXISTS (SELECT 1 FROM ${t.messages} AS m WHERE m.topic = $1 AND m.position > g.cursor)
       FOR UPDATE SKIP LOCKED
     ), batch AS (
       SELECT m.position, m.id, m.type, m.key, m.headers, m.body
       FROM ${t.messages} AS m
       WHERE m.topic = $1 AND m.position > (SELECT cursor FROM held)
       ORDER BY m.position
       LIMIT greatest(0, $3 - (SELECT count(*) FROM due))
     ), leased AS (
       INSERT INTO ${t.pending} AS p (topic, "group", position, delivery_count, visible_at)
       SELECT $1, $2, position, 1, ${nowPlusMs(4)} FROM batch
       ON CONFLICT (topic, "group", position)
         DO UPDATE SET delivery_count = p.delivery_count + 1, visible_at = EXCLUDED.visible_at
       RETURNING position, delivery_count
     ), advanced AS (
       UPDATE ${t.groups} SET cursor = (SELECT max(position) FROM batch)
       WHERE topic = $1 AND "group" = $2 AND EXISTS (SELECT 1 FROM batch)
     ), handed AS (
       SELECT r.position, r.delivery_count, m.id, m.type, m.key, m.headers, m.body
       FROM redelivered AS r JOIN ${t.messages} AS m ON m.position = r.position
       UNION ALL
       SELECT b.position, l.delivery_count, b.id, b.type, b.key, b.headers, b.body
       FROM batch AS b JOIN leased AS l ON l.position = b.position
     )
     SELECT NOT EXISTS (SELECT 1 FROM held) AND (SELECT fresh FROM fresh) AS contended, h.*
     FROM (SELECT 1) AS one LEFT JOIN handed AS h ON true
     ORDER BY h.position`;
}

/** Leases up to `max` deliveries for the group: redeliveries first, then new messages. */
export async function claim(db: Db, tables: LogTables, req: ClaimRequest): Promise<ClaimResult> {
  const { rows } = await db.query<ClaimedRow & { contended: boolean }>(
    claimSql(tables),
    [req.topic, req.group, req.max, req.ackWaitMs, req.maxDeliver],
    { prepare: true },
  );
  // Nothing leased comes back as one row of nulls: it only carries `contended`.
  return { rows: rows.filter((row) => row.position !== null), contended: rows[0]?.contended === true };
}

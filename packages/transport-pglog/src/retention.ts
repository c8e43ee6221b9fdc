// Retention: cuts each topic's log to its max age and max message count.
import type { Db } from '@ordo/db';
import { DEFAULT_MAX_AGE_MS, type LogTables } from './tables.js';

export interface PruneResult {
  /** Messages deleted, all topics together. */
  readonly deleted: number;
}

export interface PruneOptions {
  /** Rows per DELETE statement; keeps each statement (and, on PGlite, the database) busy briefly. */
  readonly batchSize?: number;
}

interface TopicLimits {
  topic: string;
  max_age_ms: number | null;
  max_messages: number | null;
}

// The log is cut as a prefix, like a Kafka log start offset: everything up to one position goes.
// created_at is the appending transaction's start time (now()), and a transaction may wait on
// the topic lock after starting, so created_at is not strictly increasing with position. The age
// cut therefore stops at the first retained-age row in position order: a slightly older row after
// it waits for the next prune, and the cut is found by walking the (topic, position) index from
// the oldest row, in time proportional to what gets deleted rather than to the topic's size.
async function cutPosition(db: Db, t: LogTables, limits: TopicLimits): Promise<number> {
  const maxAgeMs = limits.max_age_ms ?? DEFAULT_MAX_AGE_MS;
  const { rows } = await db.query<{ oldest: number | null; head: number | null; keep_from: number | null }>(
    `SELECT
       (SELECT min(position) FROM ${t.messages} WHERE topic = $1) AS oldest,
       (SELECT max(position) FROM ${t.messages} WHERE topic = $1) AS head,
       (SELECT min(position) FROM ${t.messages}
        WHERE topic = $1 AND created_at >= now() - $2::float8 * interval '1 millisecond') AS keep_from`,
    [limits.topic, maxAgeMs],
  );
  const { oldest, head, keep_from: keepFrom } = rows[0] ?? { oldest: null, head: null, keep_from: null };
  if (oldest === null || head === null) return 0;
  let cut = keepFrom === null ? Number(head) : Number(keepFrom) - 1;

  if (limits.max_messages !== null) {
    const { rows: overflow } = await db.query<{ position: number }>(
      `SELECT position FROM ${t.messages} WHERE topic = $1 ORDER BY position DESC OFFSET $2 LIMIT 1`,
      [limits.topic, limits.max_messages],
    );
    const last = overflow[0]?.position;
    if (last !== undefined) cut = Math.max(cut, Number(last));
  }
  // Nothing older than the oldest row: no DELETE round trips for a topic within its limits.
  return cut >= Number(oldest) ? cut : 0;
}

async function deleteUpTo(db: Db, t: LogTables, topic: string, cut: number, batchSize: number): Promise<number> {
  // Leases on messages about to go are dropped first; a late ack of one is a harmless no-op.
  await db.query(`DELETE FROM ${t.pending} WHERE topic = $1 AND position <= $2`, [topic, cut]);
  let deleted = 0;
  for (;;) {
    // SKIP LOCKED: pruners in several processes share the work instead of queueing on each other.
    const { rowCount } = await db.query(
      `DELETE FROM ${t.messages} WHERE position IN (
         SELECT position FROM ${t.messages}
         WHERE topic = $1 AND position <= $2
         ORDER BY position
         LIMIT $3
         FOR UPDATE SKIP LOCKED
       )`,
      [topic, cut, batchSize],
    );
    deleted += rowCount;
    if (rowCount < batchSize) return deleted;
  }
}

/** Deletes, in every topic, messages older than its max age or beyond its max message count. */
export async function pruneLog(db: Db, tables: LogTables, options: PruneOptions = {}): Promise<PruneResult> {
  const batchSize = options.batchSize ?? 5_000;
  const { rows: topics } = await db.query<TopicLimits>(
    `SELECT topic, max_age_ms, max_messages FROM ${tables.topics} ORDER BY topic`,
  );
  let deleted = 0;
  for (const limits of topics) {
    const cut = await cutPosition(db, tables, limits);
    if (cut > 0) deleted += await deleteUpTo(db, tables, limits.topic, cut, batchSize);
  }
  return { deleted };
}

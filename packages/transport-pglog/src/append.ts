// Appending to the log: one transaction per publish call, one serialized multi-row INSERT per topic.
import type { SqlExecutor } from '@ordo/db';
import type { TransportMessage } from '@ordo/messaging';
import { LOG_CHANNEL, type LogTables } from './tables.js';

// Why appends to a topic are serialized.
// A bigserial value is taken at INSERT time but becomes visible at COMMIT, and commits do not
// happen in sequence order: B can take position 11 after A took 10 and commit first. A reader
// keeping a plain cursor ("everything <= 11 is done") would then never see 10. Instead of making
// every reader track gaps (xmin horizons, gap timeouts), each append takes a transaction-scoped
// advisory lock on its topic *before* taking positions. The next appender to the topic can only
// take positions after the previous one committed (or rolled back), so within a topic positions
// become visible in order and "position > cursor" never skips a row. The cost: appends to one
// topic commit one at a time (each holds the lock for its INSERT and COMMIT); different topics
// still append in parallel.

/** FNV-1a, 32 bit, as a signed int4 for pg_advisory_xact_lock(int4, int4). Not a security measure. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

/**
 * The advisory lock serializing appends to `topic` in `schema`. The two-int4 key space does not
 * overlap the bigint one used by migrations; the schema half keeps two logs in one database
 * independent. A hash collision only serializes two topics with each other, which is harmless.
 */
export function topicLockKey(schema: string, topic: string): readonly [number, number] {
  return [fnv1a(`ordo.pglog.${schema}`), fnv1a(topic)];
}

function byTopic(messages: readonly TransportMessage[]): Map<string, TransportMessage[]> {
  const groups = new Map<string, TransportMessage[]>();
  for (const message of messages) {
    const list = groups.get(message.topic);
    if (list) list.push(message);
    else groups.set(message.topic, [message]);
  }
  return groups;
}

/**
 * Appends `messages` inside the caller's transaction (the transport's publish, or any code that
 * wants the append to commit atomically with its own writes). A message whose (topic, id) is
 * already in the log is skipped: a duplicate is success. Returns how many rows were inserted.
 * Waiting fetchers are woken by a NOTIFY that Postgres delivers when the transaction commits.
 */
export async function appendMessages(
  tx: SqlExecutor,
  tables: LogTables,
  messages: readonly TransportMessage[],
): Promise<number> {
  const topics = [...byTopic(messages)].map(([topic, list]) => ({
    topic,
    list,
    lock: topicLockKey(tables.schema, topic),
  }));
  // One publish call may touch several topics; locking them in one global order means two
  // concurrent multi-topic publishes can never deadlock on each other.
  topics.sort((a, b) => a.lock[0] - b.lock[0] || a.lock[1] - b.lock[1] || (a.topic < b.topic ? -1 : 1));

  let inserted = 0;
  for (const { topic, list, lock } of topics) {
    // NOTIFY is queued until commit, so taking it together with the lock saves a round trip.
    await tx.query(`SELECT pg_advisory_xact_lock($1, $2), pg_notify('${LOG_CHANNEL}', $3)`, [lock[0], lock[1], topic], {
      prepare: true,
    });
    const rows = list.map((m) => ({ id: m.id, type: m.type, key: m.key, headers: m.headers, body: m.body }));
    // The batch travels as one JSON parameter (identical on node-postgres and PGlite); ORDER BY
    // ordinality makes positions follow the order of the batch, since Postgres evaluates the
    // volatile nextval() default after the sort. The CTE registers the topic for retention.
    const result = await tx.query(
      `WITH registered AS (
         INSERT INTO ${tables.topics} (topic) VALUES ($1) ON CONFLICT (topic) DO NOTHING
       )
       INSERT INTO ${tables.messages} (topic, id, type, key, headers, body)
       SELECT $1, m.id, m.type, m.key, coalesce(m.headers, '{}'::jsonb), m.body
       FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (id text, type text, key text, headers jsonb, body text))
         WITH ORDINALITY AS m (id, type, key, headers, body, ord)
       ORDER BY m.ord
       ON CONFLICT (topic, id) DO NOTHING`,
      [topic, JSON.stringify(rows)],
      { prepare: true },
    );
    inserted += result.rowCount;
  }
  return inserted;
}

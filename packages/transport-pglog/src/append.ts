// Appending to the log: one transaction per publish call, one serialized multi-row INSERT per topic,
// which takes the topic's lock itself.
import { type SqlExecutor, together } from '@ordo/db';
import type { TransportMessage } from '@ordo/messaging';
import { type HandedRow, type HandoffRegistry, handOver, handoffParams, handoffSql } from './handoff.js';
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

/** Acknowledgements to delete in an append's statement, as parallel arrays (one entry per position). */
export interface WaitingAcks {
  readonly topics: string[];
  readonly groups: string[];
  readonly positions: number[];
}

export interface AppendExtras {
  /** Leases the transaction acknowledged: deleted by the first topic's statement. */
  readonly acks?: WaitingAcks;
  /** The last topic's statement is the transaction's last: COMMIT rides with it (`QueryOptions.commit`). */
  readonly commit?: boolean;
  /**
   * This process's subscriptions that take messages straight from the appending transaction
   * (handoff.ts). Only for the appends of a transaction's last before-commit callback.
   */
  readonly handoff?: HandoffRegistry;
}

const NO_ACKS: WaitingAcks = { topics: [], groups: [], positions: [] };

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
  extras: AppendExtras = {},
): Promise<number> {
  const topics = [...byTopic(messages)].map(([topic, list]) => ({
    topic,
    list,
    lock: topicLockKey(tables.schema, topic),
  }));
  // One publish call may touch several topics; locking them in one global order means two
  // concurrent multi-topic publishes can never deadlock on each other.
  topics.sort((a, b) => a.lock[0] - b.lock[0] || a.lock[1] - b.lock[1] || (a.topic < b.topic ? -1 : 1));

  // Every topic's statements are issued before any answer is awaited: one write and one round
  // trip for them all on a pipelining connection. The server still runs them in this order, so
  // the topics' locks are still taken in the global order above.
  let acks = extras.acks ?? NO_ACKS;
  const appends = topics.map(async ({ topic, list, lock }, index) => {
    const rows = list.map((m) => ({ id: m.id, type: m.type, key: m.key, headers: m.headers, body: m.body }));
    const commit = extras.commit === true && index === topics.length - 1;
    const targets = tx.afterCommit ? (extras.handoff?.wanting(topic) ?? []) : [];
    const params: unknown[] = [topic, JSON.stringify(rows), lock[0], lock[1], acks.topics, acks.groups, acks.positions];
    acks = NO_ACKS;
    // With targets, the statement leases the new messages to the groups that want them, and
    // queues the NOTIFY only for the groups it did not hand to (handoff.ts).
    const handing = targets.length > 0;
    const result = await tx.query<HandedRow & { inserted: string }>(
      appendSql(tables, handing ? 'handoff' : 'notify'),
      handing ? [...params, ...handoffParams(targets)] : params,
      { prepare: true, commit },
    );
    if (handing) handOver(tx, result.rows, list, targets);
    return Number(result.rows[0]?.inserted ?? 0);
  });
  const inserted = await together(...appends);
  return inserted.reduce((n, count) => n + count, 0);
}

/**
 * One statement per topic. `locked` takes the topic's append lock (and, without a handoff, queues
 * the NOTIFY, delivered at commit); it is materialized and joined to every inserted row, so it runs
 * before the join yields its first row, and so before the first nextval() of the INSERT. The batch
 * travels as one JSON parameter (identical on node-postgres and PGlite); ORDER BY ordinality makes
 * positions follow the order of the batch, since Postgres evaluates the volatile nextval() default
 * after the sort. `registered` registers the topic for retention and keeps its last position (an
 * append that inserted nothing leaves it: `greatest` skips NULL), which the next append's handoff reads (handoff.ts); it reads what `inserted` returns, so it runs after
 * the lock too. `acked` deletes the leases the transaction acknowledged (ADR 0011: acks commit with
 * the handler's effects), which saves their own statement at commit. The acks' `LIMIT
 * cardinality(…)` changes no result; it makes the planner expect a row or two instead of its guess
 * of ten, so each ack is looked up on `pending`'s primary key. Joined to the bare `unnest`, it hashed
 * the acks and read the whole table, dead rows included, at every ack (`pending` churns faster than
 * autovacuum visits). With `handoff`, `prev` reads the topic's row before `registered` changes it
 * (both see the newest version: `FOR UPDATE` and `ON CONFLICT` follow a row updated by an append
 * that committed while this one waited for the lock).
 */
function appendSql(tables: LogTables, variant: 'notify' | 'handoff'): string {
  const handoff = variant === 'handoff';
  return `WITH locked AS MATERIALIZED (
       SELECT pg_advisory_xact_lock($3, $4) AS locked${handoff ? '' : `, pg_notify('${LOG_CHANNEL}', $1) AS notified`}
     ),${
       handoff
         ? ` prev AS MATERIALIZED (
       SELECT t.last_position FROM ${tables.topics} AS t, locked WHERE t.topic = $1 FOR UPDATE OF t
     ),`
         : ''
     } acked AS (
       DELETE FROM ${tables.pending} AS p
       USING (SELECT * FROM unnest($5::text[], $6::text[], $7::bigint[]) LIMIT cardinality($7::bigint[]))
         AS a (topic, "group", position)
       WHERE p.topic = a.topic AND p."group" = a."group" AND p.position = a.position
     ), inserted AS (
       INSERT INTO ${tables.messages} (topic, id, type, key, headers, body)
       SELECT $1, m.id, m.type, m.key, coalesce(m.headers, '{}'::jsonb), m.body
       FROM locked,
         ROWS FROM (jsonb_to_recordset($2::jsonb) AS (id text, type text, key text, headers jsonb, body text))
           WITH ORDINALITY AS m (id, type, key, headers, body, ord)
       ORDER BY m.ord
       ON CONFLICT (topic, id) DO NOTHING
       RETURNING position, id
     ), registered AS (
       INSERT INTO ${tables.topics} AS t (topic, last_position)
       SELECT $1, max(position) FROM inserted${handoff ? ' CROSS JOIN (SELECT count(*) FROM prev) AS after_prev' : ''}
       ON CONFLICT (topic) DO UPDATE SET last_position = greatest(t.last_position, EXCLUDED.last_position)
     )${handoff ? `, ${handoffSql(tables)}` : '\n     SELECT count(*) AS inserted FROM inserted'}`;
}

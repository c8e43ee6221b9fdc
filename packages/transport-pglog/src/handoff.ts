// Local handoff: a transaction that appends to a topic leases the new messages itself to the
// groups this process consumes it with, when those groups are caught up, and hands them to their
// subscriptions once it has committed. The consumer then skips the fetch that would have leased
// them (a statement and a commit of its own) and the wake-up before it (ADR 0011 amendment).
//
// The lease is the same one a fetch writes: the group's cursor moves past the messages and each
// gets a pending row with the group's ack wait, in the appending transaction. So a message handed
// over is acknowledged, nak'ed and redelivered exactly like a fetched one: if this process dies
// before acking it, its lease runs out and any member of the group gets it again.
import type { SqlExecutor } from '@ordo/db';
import type { TransportMessage } from '@ordo/messaging';
import type { ClaimedRow } from './claim.js';
import { LOG_CHANNEL, type LogTables } from './tables.js';

/** A subscription that takes handed-over messages. */
export interface HandoffTarget {
  readonly topic: string;
  readonly group: string;
  readonly ackWaitMs: number;
  /** Whether it would take more now (it is open and has room by its consumer's last fetch). */
  wants(): boolean;
  /** Messages leased to it by a transaction that has committed (in any order; it keeps its own). */
  take(rows: readonly ClaimedRow[]): void;
}

/** The subscriptions of one transport that take handed-over messages, by topic and group. */
export class HandoffRegistry {
  private readonly byTopic = new Map<string, Set<HandoffTarget>>();

  add(target: HandoffTarget): void {
    let targets = this.byTopic.get(target.topic);
    if (!targets) {
      targets = new Set();
      this.byTopic.set(target.topic, targets);
    }
    targets.add(target);
  }

  delete(target: HandoffTarget): void {
    const targets = this.byTopic.get(target.topic);
    targets?.delete(target);
    if (targets?.size === 0) this.byTopic.delete(target.topic);
  }

  /** One target per group of `topic` that wants messages now (the first with room). */
  wanting(topic: string): HandoffTarget[] {
    const chosen = new Map<string, HandoffTarget>();
    for (const target of this.byTopic.get(topic) ?? []) {
      if (!chosen.has(target.group) && target.wants()) chosen.set(target.group, target);
    }
    return [...chosen.values()];
  }
}

/**
 * The end of an append statement (append.ts), its last CTEs and its answer, that leases the messages it inserts to each wanting
 * group whose cursor is caught up: nothing of the topic lies between its cursor and the first new
 * position. It reads CTEs the append defines: `inserted` (the rows this statement inserted, their
 * position and id) and `prev` (the topic's row, read `FOR UPDATE` once the append holds the topic's
 * lock, so its newest version: `last_position` is the topic's last position before this append,
 * even one committed while this statement waited for the lock; NULL, or no row, when the log does
 * not know it, and then nothing is handed over). $8 and $9 are the wanting groups and their ack
 * waits. The group row is locked (SKIP LOCKED: a group being fetched right now is simply not
 * handed to), its newest version again. It also queues the topic's NOTIFY, naming the groups
 * handed to, and only when some group of the topic was not: members of a covered group have
 * nothing to look for. The answer: what the statement inserted, and one row per lease.
 */
export function handoffSql(tables: LogTables): string {
  return `want AS (
       SELECT * FROM unnest($8::text[], $9::float8[]) AS w ("group", ack_wait_ms)
     ), bounds AS MATERIALIZED (
       SELECT min(position) AS first, max(position) AS last, (SELECT last_position FROM prev) AS before
       FROM inserted
     ), caught_up AS (
       SELECT g."group", w.ack_wait_ms
       FROM ${tables.groups} AS g JOIN want AS w ON w."group" = g."group"
       WHERE g.topic = $1
         AND g.cursor < (SELECT first FROM bounds)
         AND g.cursor >= (SELECT before FROM bounds)
       FOR UPDATE OF g SKIP LOCKED
     ), advanced AS (
       UPDATE ${tables.groups} AS g SET cursor = (SELECT last FROM bounds)
       FROM caught_up AS c
       WHERE g.topic = $1 AND g."group" = c."group"
       RETURNING g."group"
     ), leased AS (
       INSERT INTO ${tables.pending} AS p (topic, "group", position, delivery_count, visible_at)
       SELECT $1, c."group", o.position, 1, now() + c.ack_wait_ms * interval '1 millisecond'
       FROM caught_up AS c JOIN advanced AS a ON a."group" = c."group" CROSS JOIN inserted AS o
       ON CONFLICT (topic, "group", position) DO NOTHING
       RETURNING p."group", p.position
     ), notified AS MATERIALIZED (
       SELECT pg_notify('${LOG_CHANNEL}', CASE
           WHEN NOT EXISTS (SELECT 1 FROM advanced) THEN $1
           ELSE jsonb_build_object('topic', $1, 'covered', (SELECT jsonb_agg("group") FROM advanced))::text
         END) AS notified
       WHERE EXISTS (
         SELECT 1 FROM ${tables.groups} AS g
         WHERE g.topic = $1 AND g."group" NOT IN (SELECT "group" FROM advanced)
       )
     )
     SELECT (SELECT count(*) FROM inserted) AS inserted, l."group", l.position, o.id
     FROM (SELECT count(*) FROM notified) AS queued
       LEFT JOIN (leased AS l JOIN inserted AS o ON o.position = l.position) ON true`;
}

/** The handoff's parameters after the append's seven ($8, $9). */
export function handoffParams(targets: readonly HandoffTarget[]): unknown[] {
  return [targets.map((t) => t.group), targets.map((t) => t.ackWaitMs)];
}

export interface HandedRow {
  group: string | null;
  position: string | number | null;
  id: string | null;
}

/**
 * Once `tx` has committed, gives each target the messages the append statement leased to its
 * group (`rows`, the answer of `handoffSql`).
 */
export function handOver(
  tx: SqlExecutor,
  rows: readonly HandedRow[],
  messages: readonly TransportMessage[],
  targets: readonly HandoffTarget[],
): void {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const handed = new Map<string, ClaimedRow[]>();
  for (const row of rows) {
    const message = row.id === null ? undefined : byId.get(row.id);
    if (row.group === null || row.position === null || !message) continue;
    const list = handed.get(row.group) ?? [];
    list.push({
      position: Number(row.position),
      delivery_count: 1,
      id: message.id,
      type: message.type,
      key: message.key,
      headers: message.headers,
      body: message.body,
    });
    handed.set(row.group, list);
  }
  if (handed.size === 0) return;
  const give = (): void => {
    for (const target of targets) {
      const list = handed.get(target.group);
      if (list) target.take(list);
    }
  };
  if (tx.afterCommit) tx.afterCommit(give);
}

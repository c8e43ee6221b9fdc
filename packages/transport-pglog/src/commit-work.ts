// What a transaction leaves for the log to do right before it commits: the leases it acknowledged
// and the messages it appends at commit (`publishWithin` with `atCommit`). All of it is written by
// one before-commit callback per transaction and log, in as few statements as it takes (one per
// topic appended to, or one for the acks alone), and COMMIT rides with the last of them. So a
// topic's append lock is held only while the server appends and commits, never while a result
// travels back to the process and the COMMIT comes after it (ADR 0011 amendment).
import type { SqlExecutor } from '@ordo/db';
import type { TransportMessage } from '@ordo/messaging';
import { appendMessages, type WaitingAcks } from './append.js';
import type { HandoffRegistry } from './handoff.js';
import type { LogTables } from './tables.js';

interface CommitWork {
  readonly acks: { topics: string[]; groups: string[]; positions: number[] };
  /** Messages to append at commit, in the order they were handed over. */
  appends: TransportMessage[];
  /** The subscriptions the appends may hand their messages to (the appending transport's). */
  handoff?: HandoffRegistry;
}

/** Per transaction, its work at commit by log (`LogTables.pending` names the log). */
const workOf = new WeakMap<SqlExecutor, Map<string, CommitWork>>();

type BeforeCommit = (fn: () => Promise<void>) => void;

/** The transaction's work on this log, with the callback that does it registered on first use. */
function workFor(tx: SqlExecutor, beforeCommit: BeforeCommit, tables: LogTables): CommitWork {
  let byLog = workOf.get(tx);
  if (!byLog) {
    byLog = new Map();
    workOf.set(tx, byLog);
  }
  const known = byLog.get(tables.pending);
  if (known) return known;
  const work: CommitWork = { acks: { topics: [], groups: [], positions: [] }, appends: [] };
  byLog.set(tables.pending, work);
  beforeCommit(() => writeAtCommit(tx, tables, work));
  return work;
}

/** Deletes the lease at `position` right before `tx` commits, with the transaction's other acks. */
export function ackAtCommit(
  tx: SqlExecutor,
  beforeCommit: BeforeCommit,
  tables: LogTables,
  owner: { readonly topic: string; readonly group: string },
  position: number,
): void {
  const { acks } = workFor(tx, beforeCommit, tables);
  acks.topics.push(owner.topic);
  acks.groups.push(owner.group);
  acks.positions.push(position);
}

/**
 * Appends `messages` right before `tx` commits, with the other messages it appends at commit,
 * handing them to the subscriptions in `handoff` that want them (handoff.ts). A savepoint rolled
 * back after this call (`SqlExecutor.savepoint`) takes them back out.
 */
export function appendAtCommit(
  tx: SqlExecutor,
  beforeCommit: BeforeCommit,
  tables: LogTables,
  messages: readonly TransportMessage[],
  handoff?: HandoffRegistry,
): void {
  const work = workFor(tx, beforeCommit, tables);
  work.handoff ??= handoff;
  work.appends.push(...messages);
  tx.onUndo?.(() => {
    const undone = new Set(messages);
    work.appends = work.appends.filter((message) => !undone.has(message));
  });
}

/**
 * Hands over the acks of `tx` not yet deleted, on the log in `tables`, for a statement that
 * deletes them itself (an append inside the transaction); they are then no longer deleted at
 * commit. Acks made after this call are deleted at commit as usual.
 */
export function takeWaitingAcks(tx: SqlExecutor, tables: LogTables): WaitingAcks {
  const acks = workOf.get(tx)?.get(tables.pending)?.acks;
  if (!acks || acks.positions.length === 0) return { topics: [], groups: [], positions: [] };
  const taken = { topics: [...acks.topics], groups: [...acks.groups], positions: [...acks.positions] };
  acks.topics.length = 0;
  acks.groups.length = 0;
  acks.positions.length = 0;
  return taken;
}

/**
 * The transaction's last statements on this log: the appends (the acks ride with the first),
 * or the acks alone in one DELETE. The last statement carries the COMMIT.
 */
async function writeAtCommit(tx: SqlExecutor, tables: LogTables, work: CommitWork): Promise<void> {
  const messages = work.appends;
  work.appends = [];
  if (messages.length > 0) {
    await appendMessages(tx, tables, messages, {
      acks: takeWaitingAcks(tx, tables),
      commit: true,
      handoff: work.handoff,
    });
  }
  const acks = takeWaitingAcks(tx, tables);
  if (acks.positions.length === 0) return;
  await deleteLeases(tx, tables, acks, { commit: true });
}

/**
 * Deletes the leases in `acks`, each looked up on the primary key: the `LIMIT` changes no result,
 * it makes the planner expect a row or two instead of its guess of ten (see `appendSql`).
 */
export async function deleteLeases(
  tx: SqlExecutor,
  tables: LogTables,
  acks: WaitingAcks,
  options: { commit?: boolean } = {},
): Promise<void> {
  await tx.query(
    `DELETE FROM ${tables.pending} AS p
     USING (SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) LIMIT cardinality($3::bigint[]))
       AS a (topic, "group", position)
     WHERE p.topic = a.topic AND p."group" = a."group" AND p.position = a.position`,
    [acks.topics, acks.groups, acks.positions],
    { prepare: true, commit: options.commit ?? false },
  );
}

// A leased message as the port's Delivery: ack deletes the lease (after the consumer's commit, or
// inside its transaction when it runs on the log's database, right before that commit and in one
// statement for all the transaction's acks), nak and touch move its deadline.
import type { Db, SqlExecutor } from '@ordo/db';
import type { Delivery } from '@ordo/messaging';
import type { ClaimedRow } from './claim.js';
import { type LogTables, nowPlusMs } from './tables.js';

export interface LeaseOwner {
  readonly topic: string;
  readonly group: string;
  readonly ackWaitMs: number;
  /** Told when this delivery's redelivery comes due in `ms` (after a nak or touch). */
  readonly onRedeliveryAt?: (ms: number) => void;
}

/** Per transaction and lease owner, the positions acknowledged in it and not yet deleted. */
interface OwnerAcks {
  readonly pending: string;
  readonly topic: string;
  readonly group: string;
  readonly positions: number[];
}

/** Per transaction, its acks by lease owner (tables, topic, group). */
const acksOf = new WeakMap<SqlExecutor, Map<string, OwnerAcks>>();

/** Acknowledgements waiting in a transaction, as parallel arrays (one entry per position). */
export interface WaitingAcks {
  readonly topics: string[];
  readonly groups: string[];
  readonly positions: number[];
}

/**
 * Hands over the acks of `tx` not yet deleted, on the log in `tables`, for a statement that
 * deletes them itself (an append right before the commit, see appendMessages); they are then no
 * longer deleted at commit. Acks made after this call are deleted at commit as usual.
 */
export function takeWaitingAcks(tx: SqlExecutor, tables: LogTables): WaitingAcks {
  const taken: WaitingAcks = { topics: [], groups: [], positions: [] };
  for (const acks of acksOf.get(tx)?.values() ?? []) {
    if (acks.pending !== tables.pending) continue;
    for (const position of acks.positions) {
      taken.topics.push(acks.topic);
      taken.groups.push(acks.group);
      taken.positions.push(position);
    }
    acks.positions.length = 0;
  }
  return taken;
}

/**
 * Acknowledges at the end of the transaction, with every other delivery of the same group it
 * acknowledges: a batch of 16 messages committed together costs one statement, not 16, and none
 * when an append right before the commit takes them into its own statement. Nothing runs if the
 * transaction rolls back.
 */
function ackBeforeCommit(
  tx: SqlExecutor,
  beforeCommit: (fn: () => Promise<void>) => void,
  tables: LogTables,
  owner: LeaseOwner,
  position: number,
): void {
  let byOwner = acksOf.get(tx);
  if (!byOwner) {
    byOwner = new Map();
    acksOf.set(tx, byOwner);
  }
  const ownerKey = `${tables.pending}\u0000${owner.topic}\u0000${owner.group}`;
  const known = byOwner.get(ownerKey);
  if (known) {
    known.positions.push(position);
    return;
  }
  const acks: OwnerAcks = { pending: tables.pending, topic: owner.topic, group: owner.group, positions: [position] };
  byOwner.set(ownerKey, acks);
  beforeCommit(async () => {
    if (acks.positions.length === 0) return;
    await tx.query(
      `DELETE FROM ${tables.pending} WHERE topic = $1 AND "group" = $2 AND position = ANY($3::bigint[])`,
      [owner.topic, owner.group, acks.positions],
      { prepare: true },
    );
  });
}

export function toDelivery(db: Db, tables: LogTables, owner: LeaseOwner, row: ClaimedRow): Delivery {
  const { topic, group, ackWaitMs, onRedeliveryAt } = owner;
  const position = Number(row.position);
  const deliveryCount = Number(row.delivery_count);
  const where = `topic = $1 AND "group" = $2 AND position = $3`;

  // nak and touch only act on the lease they were handed (same delivery_count): once another
  // member has re-fetched the message, a late nak or touch from the first holder must not move
  // the new holder's deadline. ack is unconditional: it is sent after the handler's effects
  // committed, so the message is done whoever holds it now; the other holder's ack is a no-op.
  const moveDeadline = async (delayMs: number): Promise<void> => {
    const { rowCount } = await db.query(
      `UPDATE ${tables.pending} SET visible_at = ${nowPlusMs(5)} WHERE ${where} AND delivery_count = $4`,
      [topic, group, position, deliveryCount, Math.max(0, delayMs)],
    );
    if (rowCount > 0) onRedeliveryAt?.(Math.max(0, delayMs));
  };

  return {
    message: {
      id: row.id,
      topic,
      type: row.type,
      key: row.key,
      headers: row.headers ?? {},
      body: row.body,
    },
    position,
    deliveryCount,
    async ack() {
      await db.query(`DELETE FROM ${tables.pending} WHERE ${where}`, [topic, group, position], { prepare: true });
    },
    async ackWithin(tx, caller) {
      if (caller !== db) return false;
      if (tx.beforeCommit) ackBeforeCommit(tx, tx.beforeCommit, tables, owner, position);
      else await tx.query(`DELETE FROM ${tables.pending} WHERE ${where}`, [topic, group, position], { prepare: true });
      return true;
    },
    nak: (delayMs) => moveDeadline(delayMs),
    touch: () => moveDeadline(ackWaitMs),
  };
}

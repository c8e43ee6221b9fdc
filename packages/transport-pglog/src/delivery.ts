// A leased message as the port's Delivery: ack deletes the lease (after the consumer's commit, or
// inside its transaction when it runs on the log's database, right before that commit and in one
// statement for all the transaction's acks), nak and touch move its deadline.
import type { Db } from '@ordo/db';
import type { Delivery } from '@ordo/messaging';
import type { ClaimedRow } from './claim.js';
import { ackAtCommit } from './commit-work.js';
import { type LogTables, nowPlusMs } from './tables.js';

export interface LeaseOwner {
  readonly topic: string;
  readonly group: string;
  readonly ackWaitMs: number;
  /** Told when this delivery's redelivery comes due in `ms` (after a nak or touch). */
  readonly onRedeliveryAt?: (ms: number) => void;
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
      if (tx.beforeCommit) ackAtCommit(tx, tx.beforeCommit, tables, owner, position);
      else await tx.query(`DELETE FROM ${tables.pending} WHERE ${where}`, [topic, group, position], { prepare: true });
      return true;
    },
    nak: (delayMs) => moveDeadline(delayMs),
    touch: () => moveDeadline(ackWaitMs),
  };
}

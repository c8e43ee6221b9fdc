// Opens the transaction the handler's effects commit in, together with the inbox row and the
// aggregate's new seq (and the ack, when the transport keeps its state in this database).
// A duplicate or stale message commits nothing and is acknowledged; a seq gap rolls back and is
// delivered again later.
import type { Db, SqlExecutor } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import type { Faults } from '@ordo/faults';
import type { ConsumerSequences, Inbox, SequenceVerdict } from '@ordo/inbox';
import type { Envelope } from '../envelope.js';
import type { Middleware } from './context.js';
import type { FailureLog } from './failure-log.js';

export interface InboxMiddlewareOptions {
  readonly db: Db;
  readonly inbox: Inbox;
  /** Absent for consumers that do not need per-aggregate order. */
  readonly sequences: ConsumerSequences | undefined;
  readonly failures: FailureLog;
  readonly faults: Faults;
}

export function inboxMiddleware(options: InboxMiddlewareOptions): Middleware {
  const { db, inbox, sequences, failures, faults } = options;
  // The inbox row, and the aggregate's seq when the consumer keeps order: one statement for both.
  const claim = async (
    tx: SqlExecutor,
    envelope: Envelope,
    position: number,
  ): Promise<'duplicate' | SequenceVerdict> => {
    if (sequences) return sequences.claimAndAdvance(tx, inbox, envelope.id, envelope.key, envelope.seq, position);
    return (await inbox.claim(tx, envelope.id)) ? 'next' : 'duplicate';
  };
  return (next) => async (ctx) => {
    const envelope = ctx.envelope!;
    const apply = async (tx: SqlExecutor) => {
      // A replay skips both checks: the inbox row was written when the message was
      // dead-lettered, and the locked dead-letter row (beforeHandle) guards against a double replay.
      if (!ctx.replay) {
        const verdict = await claim(tx, envelope, ctx.delivery.position);
        if (verdict === 'duplicate') {
          ctx.outcome = 'duplicate';
          return;
        }
        if (verdict === 'stale') {
          ctx.outcome = 'stale';
          return;
        }
        if (verdict === 'gap') {
          throw new AppError(Errors.MSG_SEQUENCE_GAP, {
            message: `${envelope.type} seq ${envelope.seq} of ${envelope.key} arrived before its predecessor`,
          });
        }
      }
      await ctx.beforeHandle?.(tx);
      ctx.tx = tx;
      await next(ctx);
      if (ctx.delivery.deliveryCount > 1 || ctx.replay) await failures.clear(tx, envelope.id);
    };
    let ackedWithin = false;
    await db.transaction(async (tx) => {
      try {
        await apply(tx);
      } finally {
        ctx.tx = undefined;
      }
      // A replay's delivery is not the broker's (the message comes from the DLQ): nothing to ack.
      if (!ctx.replay) ackedWithin = (await ctx.delivery.ackWithin?.(tx, db)) ?? false;
      await faults.hit('consumer.beforeCommit');
    });
    ctx.ackedInTransaction = ackedWithin;
    await faults.hit('consumer.afterCommit');
  };
}

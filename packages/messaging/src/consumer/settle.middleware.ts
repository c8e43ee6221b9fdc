// The outermost middleware: acknowledges after the effects committed, and otherwise decides
// between a delayed redelivery (retryable, budget left; or a seq gap) and the DLQ
// (non-retryable, budget spent, or a gap that never closed).
import type { Db } from '@ordo/db';
import { type AppError, Errors, errorMessage, isAppError, isRetryable } from '@ordo/errors';
import type { ConsumerSequences, Inbox } from '@ordo/inbox';
import type { Logger } from '@ordo/logger';
import { type BackoffOptions, fullJitterDelay } from '../backoff.js';
import type { DeadLetterStore } from '../dead-letters.js';
import type { DeliveryContext, Middleware } from './context.js';
import type { FailureLog, FailureRecord } from './failure-log.js';
import type { ConsumerStats } from './stats.js';

export interface RetryPolicy {
  /** Attempts (first delivery included) before a retryable failure is dead-lettered. */
  readonly maxAttempts: number;
  readonly backoff: BackoffOptions;
  /** Redelivery delay while waiting for an earlier seq (grows with the delivery count). */
  readonly gapBackoff: BackoffOptions;
  /** Deliveries of a message stuck behind a gap before it is dead-lettered. */
  readonly maxGapDeliveries: number;
}

export interface SettleOptions {
  readonly db: Db;
  readonly topic: string;
  readonly inbox: Inbox;
  readonly sequences: ConsumerSequences | undefined;
  readonly failures: FailureLog;
  readonly deadLetters: DeadLetterStore;
  readonly policy: RetryPolicy;
  readonly stats: ConsumerStats;
  readonly logger: Logger;
  /** Keeps a message whose predecessor has not been applied yet; false when it cannot. */
  readonly holdForPredecessor?: (ctx: DeliveryContext) => boolean;
}

const isGap = (error: unknown): boolean => isAppError(error) && error.code === Errors.MSG_SEQUENCE_GAP.code;

export function settleMiddleware(options: SettleOptions): Middleware {
  const { policy, stats, logger } = options;

  return (next) => async (ctx) => {
    const { delivery } = ctx;
    try {
      await next(ctx);
    } catch (error) {
      if (ctx.replay) throw error;
      await settleFailure(options, ctx, error).catch(async (settleError) => {
        // The database is unreachable: neither the failure nor the DLQ can be recorded. Deliver again.
        logger.warn({ err: settleError, consumer: ctx.consumer }, 'could not record a failure; redelivering');
        await delivery.nak(fullJitterDelay(delivery.deliveryCount, policy.backoff)).catch(() => {});
      });
      return;
    }
    stats.count(ctx.outcome);
    if (!ctx.replay) {
      ctx.settled = 'acked';
      if (!ctx.ackedInTransaction) await delivery.ack();
    }
  };
}

async function settleFailure(options: SettleOptions, ctx: DeliveryContext, error: unknown): Promise<void> {
  const { policy, stats, failures, logger } = options;
  const { delivery } = ctx;
  if (isGap(error)) {
    if (delivery.deliveryCount < policy.maxGapDeliveries) {
      stats.count('gap');
      if (options.holdForPredecessor?.(ctx)) {
        ctx.settled = 'held';
        return;
      }
      ctx.settled = 'retrying';
      await delivery.nak(Math.max(10, fullJitterDelay(delivery.deliveryCount, policy.gapBackoff)));
      return;
    }
    await deadLetter(options, ctx, error, 'the predecessor never arrived', true);
    return;
  }
  if (!isRetryable(error)) {
    await deadLetter(options, ctx, error, 'non-retryable error', false);
    return;
  }
  const record = await failures.record(options.db, messageId(ctx), errorMessage(error));
  if (record.attempts >= policy.maxAttempts) {
    await deadLetter(options, ctx, error, `attempt budget of ${policy.maxAttempts} spent`, false, record);
    return;
  }
  stats.count('retried');
  ctx.settled = 'retrying';
  logger.debug({ consumer: ctx.consumer, attempts: record.attempts, err: error }, 'handler failed; will retry');
  await delivery.nak(fullJitterDelay(record.attempts, policy.backoff));
}

function messageId(ctx: DeliveryContext): string {
  return ctx.envelope?.id ?? ctx.delivery.message.id;
}

async function deadLetter(
  options: SettleOptions,
  ctx: DeliveryContext,
  error: unknown,
  why: string,
  jumpGap: boolean,
  /** The failure already recorded for this attempt, if any. */
  recorded?: FailureRecord,
): Promise<void> {
  const { db, inbox, sequences, failures, deadLetters, stats, logger, topic } = options;
  const { delivery } = ctx;
  const { message } = delivery;
  const id = messageId(ctx);
  const envelope = ctx.envelope;
  const code = isAppError(error) ? (error as AppError).code : 'ORDO_ERR_UNCLASSIFIED';
  const reason = `${why}: ${errorMessage(error)}`;
  await db.transaction(async (tx) => {
    const record = recorded ?? (await failures.record(tx, id, reason));
    await deadLetters.add(tx, {
      consumer: ctx.consumer,
      messageId: id,
      topic,
      type: envelope?.type ?? message.type ?? null,
      key: envelope?.key ?? message.key ?? null,
      seq: envelope?.seq ?? null,
      position: delivery.position,
      body: message.body,
      headers: {
        ...message.headers,
        'ordo-dlq-original-topic': topic,
        'ordo-dlq-original-subject': `${topic}.${envelope?.type ?? message.type}`,
        'ordo-dlq-attempts': String(record.attempts),
        'ordo-dlq-error-code': code,
        'ordo-dlq-last-error': reason.slice(0, 1_000),
        'ordo-dlq-first-failure-at': record.firstFailedAt.toISOString(),
        'ordo-dlq-last-failure-at': record.lastFailedAt.toISOString(),
      },
      attempts: record.attempts,
      errorCode: code,
      reason,
      firstFailedAt: record.firstFailedAt,
      lastFailedAt: record.lastFailedAt,
    });
    await failures.clear(tx, id);
    // A redelivered copy of a dead letter is a duplicate, and the aggregate's later messages
    // must not wait behind it.
    await inbox.claim(tx, id);
    if (sequences && envelope) await sequences.skip(tx, envelope.key, envelope.seq, delivery.position, jumpGap);
  });
  stats.count('deadLettered');
  ctx.settled = 'dead-lettered';
  logger.warn({ consumer: ctx.consumer, messageId: id, code, reason }, 'message dead-lettered');
  await delivery.ack();
}

// The gateway's housekeeping: now and then it deletes what has expired — idempotency keys past
// their retention, refresh-token families none of whose tokens is valid any more, and login
// failure counters that would start over anyway — so none of these tables grows without end; and
// it seals any email left in clear (ADR 0023).
// Deletes run in bounded batches (no sweep holds many row locks at once), and every replica may
// sweep: SKIP LOCKED keeps them off each other's rows.
import type { ServiceContext } from '@ordo/service-kit';
import type { IdempotencyKeyRepository } from '../data-access/idempotency-key.repository.js';
import type { RefreshTokenRepository } from '../data-access/refresh-token.repository.js';
import type { LoginThrottle } from './login-throttle.js';
import type { SealedEmails } from './sealed-emails.js';

export interface HousekeepingOptions {
  readonly idempotencyKeys: Pick<IdempotencyKeyRepository, 'deleteExpired'>;
  readonly refreshTokens: Pick<RefreshTokenRepository, 'deleteExpired'>;
  readonly loginThrottle: Pick<LoginThrottle, 'deleteForgotten'>;
  /** Seals clear emails and re-computes stale lookup hashes (ADR 0023); nothing without it. */
  readonly emails?: SealedEmails;
  readonly now: () => Date;
  readonly logger: Pick<ServiceContext['logger'], 'warn'>;
  /** Between sweeps (default 60 s). */
  readonly intervalMs?: number;
  /** Rows per delete statement (default 500). */
  readonly batchSize?: number;
  /** Statements per table and sweep at most (default 20): a backlog is worked off over several sweeps. */
  readonly maxBatches?: number;
}

/** What one sweep deleted. */
export interface SweepCounts {
  readonly idempotencyKeys: number;
  readonly sessions: number;
  readonly loginCounters: number;
  /** Emails sealed or re-hashed (rows left by older replicas or a rotation). */
  readonly emails: number;
}

export interface Housekeeping {
  sweep(): Promise<SweepCounts>;
  start(): void;
  stop(): Promise<void>;
}

export function housekeeping(options: HousekeepingOptions): Housekeeping {
  const batchSize = options.batchSize ?? 500;
  const maxBatches = options.maxBatches ?? 20;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  async function inBatches(deleteBatch: (now: Date, limit: number) => Promise<number>): Promise<number> {
    let deleted = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      const n = await deleteBatch(options.now(), batchSize);
      deleted += n;
      if (n < batchSize) break;
    }
    return deleted;
  }

  async function sweep(): Promise<SweepCounts> {
    return {
      idempotencyKeys: await inBatches((now, limit) => options.idempotencyKeys.deleteExpired(now, limit)),
      sessions: await inBatches((now, limit) => options.refreshTokens.deleteExpired(now, limit)),
      loginCounters: await options.loginThrottle.deleteForgotten(),
      emails: (await options.emails?.catchUp()) ?? 0,
    };
  }

  return {
    sweep,
    start() {
      timer ??= setInterval(() => {
        running = sweep().catch((error: unknown) => {
          options.logger.warn({ err: error }, 'expired gateway records could not be deleted; the next sweep retries');
        });
      }, options.intervalMs ?? 60_000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

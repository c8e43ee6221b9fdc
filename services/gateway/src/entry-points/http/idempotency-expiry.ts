// Deletes expired idempotency keys now and then, in bounded batches: the table stays about one
// retention period of keys, and no sweep holds many row locks at once. Every replica may sweep;
// SKIP LOCKED keeps them off each other's rows.
import type { ServiceContext } from '@ordo/service-kit';
import type { IdempotencyKeyRepository } from '../../data-access/idempotency-key.repository.js';

export interface IdempotencyExpiryOptions {
  readonly keys: IdempotencyKeyRepository;
  readonly now: () => Date;
  readonly logger: Pick<ServiceContext['logger'], 'warn'>;
  /** Between sweeps (default 60 s). */
  readonly intervalMs?: number;
  /** Rows per delete statement (default 500). */
  readonly batchSize?: number;
  /** Statements per sweep at most (default 20): a backlog is worked off over several sweeps. */
  readonly maxBatches?: number;
}

export interface IdempotencyExpiry {
  /** One sweep; returns how many keys it deleted. */
  sweep(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export function idempotencyExpiry(options: IdempotencyExpiryOptions): IdempotencyExpiry {
  const batchSize = options.batchSize ?? 500;
  const maxBatches = options.maxBatches ?? 20;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  async function sweep(): Promise<number> {
    let deleted = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      const n = await options.keys.deleteExpired(options.now(), batchSize);
      deleted += n;
      if (n < batchSize) break;
    }
    return deleted;
  }

  return {
    sweep,
    start() {
      timer ??= setInterval(() => {
        running = sweep().catch((error: unknown) => {
          options.logger.warn({ err: error }, 'expired idempotency keys could not be deleted; next sweep retries');
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

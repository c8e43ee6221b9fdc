// Redis connections of a service process: fail fast per command (a read that Redis cannot answer
// should fail or fall back at once, not queue), reconnect forever, and log trouble without
// crashing. Closed with the process.
import { once } from 'node:events';
import type { Logger } from '@ordo/logger';
import { Redis, type RedisOptions } from 'ioredis';

export class RedisConnections {
  private readonly open: Redis[] = [];

  constructor(
    private readonly url: string,
    private readonly service: string,
    private readonly logger: Logger,
  ) {}

  /** A new connection named `ordo-<service>-<purpose>` (shown by `CLIENT LIST`). */
  connect(purpose: string, overrides: RedisOptions = {}): Redis {
    const redis = new Redis(this.url, {
      connectionName: `ordo-${this.service}-${purpose}`,
      maxRetriesPerRequest: 1,
      commandTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      ...overrides,
    });
    redis.on('error', (err) => this.logger.warn({ err, purpose }, 'redis connection problem'));
    this.open.push(redis);
    return redis;
  }

  /**
   * A connection whose commands fail at once while Redis is away instead of waiting for it, for
   * callers with a fallback on every request (the gateway's rate limits). Resolves once connected,
   * or after `waitMs` if Redis does not answer (it keeps reconnecting).
   */
  async connectFailFast(purpose: string, waitMs = 5_000): Promise<Redis> {
    const redis = this.connect(purpose, { enableOfflineQueue: false, commandTimeout: 1_000 });
    const timeout = AbortSignal.timeout(waitMs);
    await once(redis, 'ready', { signal: timeout }).catch(() =>
      this.logger.warn({ purpose }, `redis did not answer within ${waitMs} ms; carrying on without it until it does`),
    );
    return redis;
  }

  async close(): Promise<void> {
    await Promise.all(
      this.open.splice(0).map((redis) =>
        redis.quit().then(
          () => undefined,
          () => redis.disconnect(),
        ),
      ),
    );
  }
}

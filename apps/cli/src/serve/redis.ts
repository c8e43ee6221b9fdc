// Redis connections of a service process: fail fast per command (a read that Redis cannot answer
// should fail or fall back at once, not queue), reconnect forever, and log trouble without
// crashing. Closed with the process.
import type { Logger } from '@ordo/logger';
import { Redis } from 'ioredis';

export class RedisConnections {
  private readonly open: Redis[] = [];

  constructor(
    private readonly url: string,
    private readonly service: string,
    private readonly logger: Logger,
  ) {}

  /** A new connection named `ordo-<service>-<purpose>` (shown by `CLIENT LIST`). */
  connect(purpose: string): Redis {
    const redis = new Redis(this.url, {
      connectionName: `ordo-${this.service}-${purpose}`,
      maxRetriesPerRequest: 1,
      commandTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    redis.on('error', (err) => this.logger.warn({ err, purpose }, 'redis connection problem'));
    this.open.push(redis);
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

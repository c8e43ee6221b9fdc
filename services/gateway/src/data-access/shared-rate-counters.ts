// Rate-limit counters shared by every gateway instance through Redis, as @fastify/rate-limit's
// `store` (ADR 0017). A class counts in one of two ways:
// - on every request: one atomic `INCRBY`+`PEXPIRE` in Redis per request, so all instances together
//   allow exactly the limit (login and registration, money);
// - in batches: each instance counts in process and adds what it counted to Redis every
//   `syncIntervalMs`, all keys in one pipeline, learning the other instances' counts from the
//   answers. No Redis round trip on the request's path; N instances may together let through what
//   the other N − 1 admit in one interval before they hear of it (reads, location pings, writes).
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';

/** Adds `ARGV[1]` to the key's count; a new key's window starts (`ARGV[2]` ms). Answers `{count, ttlMs}`. */
const ADD_SCRIPT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
if count == tonumber(ARGV[1]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {count, tonumber(ARGV[2])}
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {count, ttl}
`;

type AddReply = [number, number];
type RedisWithAdd = Redis & {
  ordoRateLimitAdd(key: string, amount: number, windowMs: number): Promise<AddReply>;
};

type IncrCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;
/**
 * What @fastify/rate-limit calls on a store. Its types name two arguments of `incr`; it passes the
 * window and the limit as the third and fourth (as its own stores read them).
 */
interface RateLimitStore extends FastifyRateLimitStore {
  incr(key: string, callback: IncrCallback, windowMs?: number): void;
}

/** The option a limiter passes to `createRateLimit` to choose how its class counts. */
export interface SharedCountingParams {
  /** `every-request` or `batched`; absent means every request. */
  readonly counting?: SharedCounting;
  /** For the error report: the class the limiter is for. */
  readonly className?: string;
}
export type SharedCounting = 'every-request' | 'batched';

export interface SharedRateCountersOptions {
  readonly redis: Redis;
  /** Prepended to every key, so deployments sharing a Redis do not share counters. */
  readonly keyPrefix: string;
  /** How often batched counts go to Redis (default 100 ms). */
  readonly syncIntervalMs?: number;
  /**
   * Keys counted in process at most (default 10,000); past it a new key counts on every request, so
   * memory stays bounded whatever the number of callers.
   */
  readonly maxLocalKeys?: number;
  /** A batch that did not reach Redis: its hits stay counted in this instance only. */
  readonly onSyncError: (error: unknown, className: string, hits: number) => void;
}

/** One key's window in this instance. `shared` is Redis's count at the last answer (ours included). */
interface LocalWindow {
  readonly key: string;
  readonly className: string;
  readonly windowMs: number;
  resetAt: number;
  shared: number;
  /** Sent to Redis, not answered yet. */
  sending: number;
  /** Counted here since the last send. */
  pending: number;
}

export class SharedRateCounters {
  private readonly redis: RedisWithAdd;
  private readonly syncIntervalMs: number;
  private readonly maxLocalKeys: number;
  private readonly windows = new Map<string, LocalWindow>();
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: SharedRateCountersOptions) {
    const redis = options.redis as RedisWithAdd;
    if (typeof redis.ordoRateLimitAdd !== 'function') {
      redis.defineCommand('ordoRateLimitAdd', { numberOfKeys: 1, lua: ADD_SCRIPT });
    }
    this.redis = redis;
    this.syncIntervalMs = options.syncIntervalMs ?? 100;
    this.maxLocalKeys = options.maxLocalKeys ?? 10_000;
  }

  /** The store class @fastify/rate-limit instantiates; its children count as their class says. */
  store(): FastifyRateLimitStoreCtor {
    const root = this.storeFor('every-request', 'unnamed');
    return class implements RateLimitStore {
      incr = root.incr;
      child = root.child;
    };
  }

  private storeFor(counting: SharedCounting, className: string): RateLimitStore {
    return {
      incr: (key, callback, windowMs = 60_000) =>
        counting === 'batched'
          ? this.countBatched(key, className, windowMs, callback)
          : this.countNow(key, 1, windowMs, callback),
      child: (params) => {
        const own = params as unknown as SharedCountingParams;
        return this.storeFor(own.counting ?? 'every-request', own.className ?? 'unnamed');
      },
    };
  }

  /** Sends what is still counted here, then stops the timer. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.syncing;
    await this.sync();
  }

  private countNow(key: string, amount: number, windowMs: number, callback: IncrCallback): void {
    this.redis.ordoRateLimitAdd(this.options.keyPrefix + key, amount, windowMs).then(
      ([count, ttl]) => callback(null, { current: count, ttl }),
      (error: Error) => callback(error),
    );
  }

  private countBatched(key: string, className: string, windowMs: number, callback: IncrCallback): void {
    const now = Date.now();
    let window = this.windows.get(key);
    if (window === undefined || now >= window.resetAt) {
      if (window === undefined && this.windows.size >= this.maxLocalKeys) {
        this.countNow(key, 1, windowMs, callback);
        return;
      }
      window = { key, className, windowMs, resetAt: now + windowMs, shared: 0, sending: 0, pending: 0 };
      this.windows.set(key, window);
    }
    window.pending++;
    this.schedule();
    callback(null, { current: window.shared + window.sending + window.pending, ttl: window.resetAt - now });
  }

  private schedule(): void {
    // One batch at a time: a batch still waiting for Redis holds its counts in `sending`, which the
    // next one would overwrite (the counts it carried were then lost if it failed). The batch in
    // flight schedules the next when it ends.
    if (this.timer !== undefined || this.syncing !== undefined || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.syncing = this.sync().finally(() => {
        this.syncing = undefined;
        // Windows still open are kept until they end, so they keep counting what Redis said.
        if (this.windows.size > 0) this.schedule();
      });
    }, this.syncIntervalMs);
    this.timer.unref();
  }

  /** One pipeline with every key counted since the last one; windows that have ended are dropped. */
  private async sync(): Promise<void> {
    const now = Date.now();
    const batch: LocalWindow[] = [];
    for (const window of this.windows.values()) {
      if (now >= window.resetAt) {
        // Ended: what it counted belongs to a window Redis has dropped too.
        if (window.sending === 0) this.windows.delete(window.key);
      } else if (window.pending > 0) {
        window.sending = window.pending;
        window.pending = 0;
        batch.push(window);
      }
    }
    if (batch.length === 0) return;
    const pipeline = this.redis.pipeline() as ReturnType<Redis['pipeline']> & {
      ordoRateLimitAdd(key: string, amount: number, windowMs: number): unknown;
    };
    for (const window of batch)
      pipeline.ordoRateLimitAdd(this.options.keyPrefix + window.key, window.sending, window.windowMs);
    let answers: Array<[Error | null, unknown]> | null;
    try {
      answers = await pipeline.exec();
    } catch (error) {
      answers = batch.map(() => [error as Error, null]);
    }
    const sentAt = now;
    const failed = new Map<string, { error: unknown; hits: number }>();
    batch.forEach((window, i) => {
      const [error, reply] = answers?.[i] ?? [new Error('no answer from Redis'), null];
      if (error || !Array.isArray(reply)) {
        // Kept in this instance's count: the limit still holds here, not across instances.
        window.shared += window.sending;
        const seen = failed.get(window.className) ?? { error, hits: 0 };
        seen.hits += window.sending;
        failed.set(window.className, seen);
      } else {
        const [count, ttl] = reply as AddReply;
        window.shared = count;
        window.resetAt = sentAt + ttl;
      }
      window.sending = 0;
    });
    for (const [className, { error, hits }] of failed) this.options.onSyncError(error, className, hits);
  }
}

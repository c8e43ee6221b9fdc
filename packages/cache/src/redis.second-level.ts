// The Redis second level of the distributed shape: entries and their invalidation generations as
// plain keys (one hash slot per cache key, so Redis Cluster can run the scripts), a lease key for
// single-flight across processes, and a pub/sub channel on which instances tell each other to drop
// keys. The caller owns the connection; subscribing opens one duplicate of it, closed on unsubscribe.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { InvalidationChannel, Lease, SecondLevel, SharedCache } from './shared-cache.port.js';

export interface RedisSecondLevelOptions {
  readonly redis: Redis;
  /** Every key and the channel start with it, e.g. `ordo:cache:restaurant:`. */
  readonly prefix: string;
  /** Problems on the subscriber connection (it reconnects by itself) and unreadable messages. */
  readonly onError?: (error: Error) => void;
}

/** How long a key's generation outlives its invalidation: longer than any load should take. */
const GENERATION_TTL_MS = 5 * 60_000;

// Stores only when the generation is still the one the loader read before loading.
const WRITE_IF_GENERATION = `
local current = redis.call('GET', KEYS[2]) or ''
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;

const RELEASE_IF_HOLDER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export function redisSecondLevel(options: RedisSecondLevelOptions): SecondLevel {
  const { redis, prefix } = options;
  // The braces make Redis Cluster hash only the cache key: its value, generation and lease share a slot.
  const keys = (key: string) => ({
    value: `${prefix}{${key}}:v`,
    generation: `${prefix}{${key}}:g`,
    lease: `${prefix}{${key}}:l`,
  });

  const shared: SharedCache = {
    async read(key) {
      const k = keys(key);
      const [entry, generation] = await redis.mget(k.value, k.generation);
      return { entry: entry ?? undefined, generation: generation ?? '' };
    },
    async write(key, entry, ttlMs, generation) {
      if (ttlMs <= 0) return false;
      const k = keys(key);
      const stored = await redis.eval(WRITE_IF_GENERATION, 2, k.value, k.generation, generation, entry, ttlMs);
      return stored === 1;
    },
    async invalidate(list) {
      if (list.length === 0) return;
      const batch = redis.multi();
      for (const key of list) {
        const k = keys(key);
        // The lease goes too: whoever holds it is loading what is now out of date.
        batch.del(k.value, k.lease).incr(k.generation).pexpire(k.generation, GENERATION_TTL_MS);
      }
      await batch.exec();
    },
    async lease(key, ttlMs): Promise<Lease | undefined> {
      const k = keys(key);
      const token = randomUUID();
      const taken = await redis.set(k.lease, token, 'PX', ttlMs, 'NX');
      if (taken !== 'OK') return undefined;
      return { release: async () => void (await redis.eval(RELEASE_IF_HOLDER, 1, k.lease, token)) };
    },
  };

  return { shared, invalidations: redisInvalidationChannel(options) };
}

function redisInvalidationChannel({ redis, prefix, onError }: RedisSecondLevelOptions): InvalidationChannel {
  const channel = `${prefix}invalidate`;
  const id = randomUUID();
  const report = (error: Error) => onError?.(error);
  return {
    async publish(keys) {
      if (keys.length === 0) return;
      await redis.publish(channel, JSON.stringify({ from: id, keys }));
    },
    async subscribe(listener) {
      // Queued until connected, and never timed out, even when the caller's client fails fast:
      // `start()` then waits for Redis (up to the client's retry budget) instead of failing on a
      // connection still in progress.
      const subscriber = redis.duplicate({
        connectionName: `${prefix}invalidations`,
        enableOfflineQueue: true,
        commandTimeout: undefined,
      });
      subscriber.on('error', report);
      subscriber.on('message', (from: string, text: string) => {
        if (from !== channel) return;
        const message = parseMessage(text);
        if (!message) return report(new Error(`unreadable cache invalidation: ${text.slice(0, 200)}`));
        if (message.from !== id) listener({ kind: 'keys', keys: message.keys });
      });
      await subscriber.subscribe(channel);
      // Every later `ready` is a reconnection: what was published meanwhile never arrived, so
      // nothing the listener holds can be trusted any more.
      subscriber.on('ready', () => listener({ kind: 'everything' }));
      return async () => {
        subscriber.removeAllListeners('ready');
        subscriber.removeAllListeners('message');
        // Nothing to flush on a subscriber; a QUIT could wait out a Redis outage.
        subscriber.disconnect();
      };
    },
  };
}

function parseMessage(text: string): { from: string; keys: string[] } | undefined {
  try {
    const message = JSON.parse(text) as { from?: unknown; keys?: unknown };
    const { from, keys } = message;
    if (typeof from !== 'string' || !Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) return undefined;
    return { from, keys };
  } catch {
    return undefined;
  }
}

// Second levels without a server. `noSecondLevel` for a single process (its LRU is all there
// is); `MemorySecondLevel` for several cache-asides in one process that must share entries and
// invalidations as Redis would let separate processes share them (the embedded shape running more
// than one instance, and tests). Bounded like the LRU in front of it.
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type {
  Invalidation,
  InvalidationChannel,
  Lease,
  SecondLevel,
  SharedCache,
  SharedRead,
} from './shared-cache.port.js';

const nothing: SharedRead = { entry: undefined, generation: '' };

/** No shared level: every read misses, writes and invalidations are dropped, nobody listens. */
export function noSecondLevel(): SecondLevel {
  return {
    shared: {
      read: async () => nothing,
      write: async () => true,
      invalidate: async () => {},
    },
    invalidations: {
      publish: async () => {},
      subscribe: async () => async () => {},
    },
  };
}

export interface MemorySecondLevelOptions {
  /** At most this many entries (and as many generations) are kept; the least recently used go. Default 100,000. */
  readonly maxEntries?: number;
  /** The clock, in epoch milliseconds (tests pass a fake one). */
  readonly now?: () => number;
}

/** How long a key's generation outlives its invalidation: longer than any load should take. */
const GENERATION_TTL_MS = 5 * 60_000;

/** One in-process store and channel; `connect()` hands each cache-aside its own view of both. */
export class MemorySecondLevel {
  private readonly entries: LRUCache<string, string>;
  private readonly generations: LRUCache<string, string>;
  private readonly leases: LRUCache<string, string>;
  private readonly listeners = new Map<string, (invalidation: Invalidation) => void>();
  private generation = 0;

  constructor(options: MemorySecondLevelOptions = {}) {
    const max = options.maxEntries ?? 100_000;
    const perf = { now: options.now ?? (() => Date.now()) };
    this.entries = new LRUCache({ max, perf });
    this.generations = new LRUCache({ max, perf, ttl: GENERATION_TTL_MS });
    this.leases = new LRUCache({ max, perf });
  }

  /** A second level on this store; its channel does not echo its own publications back to it. */
  connect(): SecondLevel {
    return { shared: this.sharedCache(), invalidations: this.channel(randomUUID()) };
  }

  private sharedCache(): SharedCache {
    return {
      read: async (key) => ({ entry: this.entries.get(key), generation: this.generations.get(key) ?? '' }),
      write: async (key, entry, ttlMs, generation) => {
        if ((this.generations.get(key) ?? '') !== generation || ttlMs <= 0) return false;
        this.entries.set(key, entry, { ttl: ttlMs });
        return true;
      },
      invalidate: async (keys) => {
        for (const key of keys) {
          this.entries.delete(key);
          this.leases.delete(key);
          this.generations.set(key, String(++this.generation));
        }
      },
      lease: async (key, ttlMs): Promise<Lease | undefined> => {
        if (this.leases.has(key)) return undefined;
        const token = randomUUID();
        this.leases.set(key, token, { ttl: ttlMs });
        return {
          release: async () => {
            if (this.leases.get(key) === token) this.leases.delete(key);
          },
        };
      },
    };
  }

  private channel(id: string): InvalidationChannel {
    return {
      publish: async (keys) => {
        for (const [listenerId, listener] of this.listeners) {
          if (listenerId.startsWith(`${id}/`)) continue;
          listener({ kind: 'keys', keys });
        }
      },
      subscribe: async (listener) => {
        const listenerId = `${id}/${randomUUID()}`;
        this.listeners.set(listenerId, listener);
        return async () => {
          this.listeners.delete(listenerId);
        };
      },
    };
  }
}

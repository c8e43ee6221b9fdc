// Cache-aside for reads that are not projected: a bounded in-process LRU in front of a shared
// second level, in front of the source. One load per key at a time in this process (and, with a
// second level that grants leases, across processes); fresh for a jittered TTL, then served stale
// while one background refresh runs; unknown keys cached briefly as such; keys dropped on
// invalidation here, in the second level, and in every other instance through the channel.
import { LRUCache } from 'lru-cache';
import { decodeEntry, type Entry, encodeEntry } from './entry.js';
import { Flight } from './flight.js';
import { noSecondLevel } from './memory.second-level.js';
import type { Invalidation, Lease, SecondLevel, SharedRead } from './shared-cache.port.js';
import { jitteredTtl } from './ttl.js';

export interface CacheAsideOptions<V> {
  /** Names the cache: its keys in the second level and on the channel are `<name>:<key>`. */
  readonly name: string;
  /** Reads the source of truth; `undefined` means nothing exists under the key (cached as such). */
  readonly load: (key: string) => Promise<V | undefined>;
  /** How long a value is fresh, before jitter (`ttlMs + rand(0, 0.2·ttlMs)`). */
  readonly ttlMs: number;
  /** How long past freshness a value may still be served while one refresh runs. Default 0. */
  readonly staleMs?: number;
  /** How long "nothing under this key" is believed, before jitter. Default `min(ttlMs, 5 s)`. */
  readonly negativeTtlMs?: number;
  /** The LRU's bound on entries, whatever the key space. */
  readonly maxEntries: number;
  /** An optional second bound, on the sum of `sizeOf` over entries (e.g. bytes). */
  readonly maxSize?: number;
  readonly sizeOf?: (value: V) => number;
  /** Shared level and invalidation channel. Default: none (this LRU is all there is). */
  readonly secondLevel?: SecondLevel;
  /**
   * With a second level that grants leases: how long one process may hold the load of a key
   * while others wait for its result, polling the second level every `pollMs`. Default 2 s / 20 ms.
   */
  readonly leaseMs?: number;
  readonly pollMs?: number;
  /** Checks a value read back from the second level (written by another instance, maybe another version). */
  readonly decode?: (json: unknown) => V;
  /** The clock, in epoch milliseconds. */
  readonly now?: () => number;
  /** In `[0, 1)`, for the jitter. */
  readonly random?: () => number;
  /** Metrics hook: called with each counter as it is incremented. */
  readonly onEvent?: (event: CacheEvent, key: string) => void;
  /** Failures that do not fail a read: background refreshes, the second level, the channel. */
  readonly onError?: (error: unknown, key: string | undefined) => void;
}

export interface CacheStats {
  /** Answered from the LRU, fresh (known values and known-unknown keys alike). */
  hits: number;
  /** Not answered from the LRU: the read joined or started a load. */
  misses: number;
  /** Answered with a stale value while a refresh ran. */
  staleServed: number;
  /** Loads answered by the second level, fresh, without touching the source. */
  sharedHits: number;
  /** Calls of the source. */
  loads: number;
  loadErrors: number;
  /** Keys dropped: invalidated here or by another instance (an "everything" counts once). */
  invalidations: number;
}

export type CacheEvent = keyof CacheStats;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class CacheAside<V> {
  readonly stats: CacheStats = {
    hits: 0,
    misses: 0,
    staleServed: 0,
    sharedHits: 0,
    loads: 0,
    loadErrors: 0,
    invalidations: 0,
  };
  private readonly local: LRUCache<string, Entry<V>>;
  private readonly flights = new Map<string, Flight<V>>();
  private readonly secondLevel: SecondLevel;
  private readonly now: () => number;
  private readonly random: () => number;
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(private readonly options: CacheAsideOptions<V>) {
    this.secondLevel = options.secondLevel ?? noSecondLevel();
    this.now = options.now ?? (() => Date.now());
    this.random = options.random ?? Math.random;
    const { maxSize, sizeOf } = options;
    this.local = new LRUCache<string, Entry<V>>({
      max: options.maxEntries,
      ...(maxSize !== undefined && sizeOf
        ? { maxSize, sizeCalculation: (entry: Entry<V>) => Math.max(1, entry.found ? sizeOf(entry.value as V) : 1) }
        : {}),
    });
  }

  /** Listens for other instances' invalidations. Reads work before (and without) it. */
  async start(): Promise<void> {
    this.unsubscribe ??= await this.secondLevel.invalidations.subscribe((message) => this.onInvalidation(message));
  }

  async stop(): Promise<void> {
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    await unsubscribe?.();
  }

  /** The value under `key`, or undefined when the source has none. */
  async get(key: string): Promise<V | undefined> {
    const now = this.now();
    const local = this.local.get(key);
    if (local && now < local.freshUntil) {
      this.count('hits', key);
      return local.value;
    }
    if (local && now < local.staleUntil) {
      this.count('staleServed', key);
      this.flight(key);
      return local.value;
    }
    this.count('misses', key);
    const flight = this.flight(key);
    flight.awaited = true;
    const entry = await flight.answer;
    if (this.now() >= entry.freshUntil && entry.found) this.count('staleServed', key);
    return entry.value;
  }

  /**
   * Drops the keys here, in the second level, and (through the channel) in every other instance.
   * Call it after the change has committed. A failure of the second level or the channel is
   * reported, not thrown: the change stands, and the TTL bounds how long others may serve the old value.
   */
  async invalidate(keys: string | readonly string[]): Promise<void> {
    const list = typeof keys === 'string' ? [keys] : [...keys];
    this.dropLocal(list);
    const shared = list.map((key) => this.sharedKey(key));
    await this.secondLevel.shared.invalidate(shared).catch((error) => this.report(error, list[0]));
    await this.secondLevel.invalidations.publish(shared).catch((error) => this.report(error, list[0]));
  }

  /** Entries in the LRU now (never more than `maxEntries`). */
  get size(): number {
    return this.local.size;
  }

  private flight(key: string): Flight<V> {
    const existing = this.flights.get(key);
    if (existing) return existing;
    const flight = new Flight<V>();
    this.flights.set(key, flight);
    void this.fill(key, flight).finally(() => this.land(key, flight));
    return flight;
  }

  /** The second level first; the source only if it has nothing fresh and no other process is loading. */
  private async fill(key: string, flight: Flight<V>): Promise<void> {
    const sharedKey = this.sharedKey(key);
    // Done: later reads start afresh rather than join a settled flight.
    const answer = (entry: Entry<V>) => {
      this.land(key, flight);
      this.keep(key, entry, flight);
      flight.resolve(entry);
    };
    let lease: Lease | undefined;
    try {
      let read = await this.readShared(sharedKey, key);
      const shared = this.decode(read.entry, key);
      if (shared && this.now() < shared.freshUntil) {
        this.count('sharedHits', key);
        return answer(shared);
      }
      if (shared && this.now() < shared.staleUntil) {
        // Served stale to those waiting; this flight goes on to refresh it.
        this.keep(key, shared, flight);
        flight.resolve(shared);
      }
      const leasing = await this.lease(sharedKey, key);
      if (leasing === 'busy') {
        // Another process is loading it: a stale answer is enough, or wait for its result.
        if (flight.answered) return this.land(key, flight);
        const waited = await this.waitForOtherLoader(sharedKey, key, flight);
        if (waited.entry) {
          this.count('sharedHits', key);
          return answer(waited.entry);
        }
        read = waited.read;
      } else if (leasing) {
        lease = leasing;
        // It may have been filled between our read and our lease.
        read = await this.readShared(sharedKey, key);
        const filled = this.decode(read.entry, key);
        if (filled && this.now() < filled.freshUntil) {
          this.count('sharedHits', key);
          return answer(filled);
        }
      }
      const entry = await this.loadFromSource(key);
      if (!flight.invalidated) {
        await this.secondLevel.shared
          .write(sharedKey, encodeEntry(entry), entry.staleUntil - this.now(), read.generation)
          .catch((error) => this.report(error, key));
      }
      answer(entry);
    } catch (error) {
      this.land(key, flight);
      if (flight.answered || !flight.awaited) this.report(error, key);
      if (!flight.answered) flight.reject(error);
    } finally {
      await lease?.release().catch((error) => this.report(error, key));
    }
  }

  /** A lease on loading the key, `busy` when another process holds it, undefined when there are none. */
  private async lease(sharedKey: string, key: string): Promise<Lease | 'busy' | undefined> {
    const { shared } = this.secondLevel;
    if (!shared.lease) return undefined;
    try {
      return (await shared.lease(sharedKey, this.options.leaseMs ?? 2_000)) ?? 'busy';
    } catch (error) {
      // Without the second level, this process's single flight still holds.
      this.report(error, key);
      return undefined;
    }
  }

  private land(key: string, flight: Flight<V>): void {
    if (this.flights.get(key) === flight) this.flights.delete(key);
  }

  private async loadFromSource(key: string): Promise<Entry<V>> {
    this.count('loads', key);
    let value: V | undefined;
    try {
      value = await this.options.load(key);
    } catch (error) {
      this.count('loadErrors', key);
      throw error;
    }
    const now = this.now();
    if (value === undefined) {
      const negativeTtl = jitteredTtl(this.options.negativeTtlMs ?? Math.min(this.options.ttlMs, 5_000), this.random);
      return { found: false, value: undefined, freshUntil: now + negativeTtl, staleUntil: now + negativeTtl };
    }
    const freshUntil = now + jitteredTtl(this.options.ttlMs, this.random);
    return { found: true, value, freshUntil, staleUntil: freshUntil + (this.options.staleMs ?? 0) };
  }

  /**
   * Polls the second level until the lease holder's value is there, the lease has run out (the
   * holder failed or died), or the key was invalidated (the holder's value would be refused).
   */
  private async waitForOtherLoader(
    sharedKey: string,
    key: string,
    flight: Flight<V>,
  ): Promise<{ entry?: Entry<V>; read: SharedRead }> {
    const deadline = Date.now() + (this.options.leaseMs ?? 2_000);
    let read: SharedRead = { entry: undefined, generation: '' };
    while (Date.now() < deadline && !flight.invalidated) {
      await sleep(this.options.pollMs ?? 20);
      read = await this.readShared(sharedKey, key);
      const entry = this.decode(read.entry, key);
      if (entry && this.now() < entry.freshUntil) return { entry, read };
    }
    return { read };
  }

  private async readShared(sharedKey: string, key: string): Promise<SharedRead> {
    try {
      return await this.secondLevel.shared.read(sharedKey);
    } catch (error) {
      // The source is still there: a read without the second level is slower, not wrong.
      this.report(error, key);
      return { entry: undefined, generation: '' };
    }
  }

  private keep(key: string, entry: Entry<V>, flight: Flight<V>): void {
    if (!flight.invalidated) this.local.set(key, entry);
  }

  private onInvalidation(message: Invalidation): void {
    if (message.kind === 'everything') {
      this.local.clear();
      for (const flight of this.flights.values()) flight.invalidated = true;
      this.flights.clear();
      this.count('invalidations', '*');
      return;
    }
    const prefix = `${this.options.name}:`;
    this.dropLocal(message.keys.filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length)));
  }

  private dropLocal(keys: readonly string[]): void {
    for (const key of keys) {
      this.local.delete(key);
      const flight = this.flights.get(key);
      if (flight) {
        flight.invalidated = true;
        this.flights.delete(key);
      }
      this.count('invalidations', key);
    }
  }

  private decode(text: string | undefined, key: string): Entry<V> | undefined {
    if (text === undefined) return undefined;
    try {
      return decodeEntry(text, this.options.decode);
    } catch (error) {
      // Unreadable (another version wrote it?): as if it were not there; the next fill replaces it.
      this.report(error, key);
      return undefined;
    }
  }

  private sharedKey(key: string): string {
    return `${this.options.name}:${key}`;
  }

  private count(event: CacheEvent, key: string): void {
    this.stats[event]++;
    this.options.onEvent?.(event, key);
  }

  private report(error: unknown, key: string | undefined): undefined {
    this.options.onError?.(error, key);
    return undefined;
  }
}

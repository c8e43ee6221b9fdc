// The second level behind each process's LRU: a store every instance of a service shares (Redis
// in the distributed shape; nothing, or one in-process store, in the embedded one), and the
// channel on which instances tell each other to drop keys. Both deal in opaque strings: encoding
// values is the cache-aside's job, so adapters stay small.

export interface SharedRead {
  /** The encoded entry, or undefined when the store has none. */
  readonly entry: string | undefined;
  /**
   * The key's invalidation generation at the time of the read. A `write` with it is refused once
   * the key has been invalidated since, so a load that started before an invalidation never puts
   * the old value back.
   */
  readonly generation: string;
}

/** A lease on loading one key from the source; another instance asking meanwhile is refused. */
export interface Lease {
  release(): Promise<void>;
}

export interface SharedCache {
  read(key: string): Promise<SharedRead>;
  /** Stores `entry` for `ttlMs` unless `key` was invalidated after the read that gave `generation`. */
  write(key: string, entry: string, ttlMs: number, generation: string): Promise<boolean>;
  /** Deletes the keys and moves their generation on. */
  invalidate(keys: readonly string[]): Promise<void>;
  /**
   * Optional cross-process single-flight: a lease held for at most `ttlMs`, or undefined when
   * another holder has it. Adapters without a shared server leave it out.
   */
  lease?(key: string, ttlMs: number): Promise<Lease | undefined>;
}

/** What the channel delivers: keys another instance invalidated, or "drop everything". */
export type Invalidation =
  | { readonly kind: 'keys'; readonly keys: readonly string[] }
  /** Messages may have been missed (the subscription reconnected): nothing local can be trusted. */
  | { readonly kind: 'everything' };

export interface InvalidationChannel {
  /** Tells the other subscribers (not this channel's own) to drop the keys. */
  publish(keys: readonly string[]): Promise<void>;
  /** Resolves once subscribed; returns how to unsubscribe. */
  subscribe(listener: (invalidation: Invalidation) => void): Promise<() => Promise<void>>;
}

/** The second level a cache-aside is given: a shared store and the invalidation channel. */
export interface SecondLevel {
  readonly shared: SharedCache;
  readonly invalidations: InvalidationChannel;
}

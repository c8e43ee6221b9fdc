// Views kept in process in front of the Redis read store, so a hot view is read without a round
// trip. Kept true by the store's change channel: every write to the live keyspace publishes the
// view's key, and switching keyspaces publishes `*`. The cache serves only while it is subscribed:
// when the subscriber connection drops, it empties and reads go to Redis until it is subscribed again.
//
// A read that was on its way while its key changed must not store what it read: each read in
// flight is registered before it is sent, and an invalidation of its key (or of everything) marks
// it, whichever of the read's answer and the message arrives first.
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { View } from './read-store.port.js';

export interface ViewCacheOptions {
  /**
   * A connection of its own for the change channel (a subscribed connection runs no other
   * commands). The caller owns it and closes it.
   */
  readonly subscriber: Redis;
  /** Views kept at most (default 5,000), least recently read going first. */
  readonly maxViews?: number;
  /** How long a view is kept (default 30 s): a bound on staleness should a message ever be missed. */
  readonly ttlMs?: number;
  /** Problems subscribing (the connection reconnects by itself). */
  readonly onError?: (error: Error) => void;
}

/** Published on the change channel when the whole keyspace changed (a rebuild was activated). */
export const EVERY_VIEW = '*';

/** A read on its way to Redis. */
export interface Fill {
  readonly key: string;
  invalidated: boolean;
}

export class ViewCache {
  private readonly views: LRUCache<string, View<unknown>>;
  private readonly inFlight = new Map<string, Set<Fill>>();
  private subscribed = false;

  constructor(
    private readonly options: ViewCacheOptions,
    private readonly channel: string,
  ) {
    this.views = new LRUCache({ max: options.maxViews ?? 5_000, ttl: options.ttlMs ?? 30_000 });
    const { subscriber } = options;
    subscriber.on('message', (from: string, key: string) => {
      if (from !== this.channel) return;
      if (key === EVERY_VIEW) this.invalidateAll();
      else this.invalidate(key);
    });
    // Whatever was published while the connection was down never arrives.
    const lost = () => {
      this.subscribed = false;
      this.invalidateAll();
    };
    subscriber.on('close', lost);
    subscriber.on('reconnecting', lost);
    subscriber.on('ready', () => void this.subscribe());
    if (subscriber.status === 'ready') void this.subscribe();
  }

  /** True once the channel is subscribed: until then, and while it is down, nothing is cached. */
  get serving(): boolean {
    return this.subscribed;
  }

  get(key: string): View<unknown> | undefined {
    return this.subscribed ? this.views.get(key) : undefined;
  }

  /** Registers a read before it is sent; `finish` stores its answer unless the key changed meanwhile. */
  begin(key: string): Fill {
    const fill: Fill = { key, invalidated: !this.subscribed };
    let fills = this.inFlight.get(key);
    if (!fills) {
      fills = new Set();
      this.inFlight.set(key, fills);
    }
    fills.add(fill);
    return fill;
  }

  finish(fill: Fill, view: View<unknown> | undefined): void {
    const fills = this.inFlight.get(fill.key);
    fills?.delete(fill);
    if (fills?.size === 0) this.inFlight.delete(fill.key);
    // A view not there yet is not remembered: it is about to be (a read-your-writes wait polls for it).
    if (view && !fill.invalidated && this.subscribed) this.views.set(fill.key, view);
  }

  invalidate(key: string): void {
    this.views.delete(key);
    for (const fill of this.inFlight.get(key) ?? []) fill.invalidated = true;
  }

  invalidateAll(): void {
    this.views.clear();
    for (const fills of this.inFlight.values()) for (const fill of fills) fill.invalidated = true;
  }

  private async subscribe(): Promise<void> {
    try {
      await this.options.subscriber.subscribe(this.channel);
      // Reads sent from here on are answered after the subscription took effect: every later
      // change reaches this process. What is cached from before is dropped.
      this.invalidateAll();
      this.subscribed = true;
    } catch (error) {
      this.options.onError?.(error as Error);
    }
  }
}

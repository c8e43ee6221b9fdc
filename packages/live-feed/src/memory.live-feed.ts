// The live feed of the embedded shape: everything in this process, bounded per feed and in
// the number of feeds (the least recently appended-to feed goes first).
import {
  compareEventIds,
  DEFAULT_BOUNDS,
  type FeedEvent,
  type FeedListener,
  type LiveFeed,
  type LiveFeedBounds,
  type NewFeedEvent,
} from './live-feed.port.js';

interface Feed {
  events: FeedEvent[];
  lastMs: number;
  lastSeq: number;
  touchedAt: number;
  /** The last `order` appended, by event type. */
  orders: Map<string, number>;
  /** The newest event, by type. */
  latest: Map<string, FeedEvent>;
}

export interface MemoryLiveFeedOptions extends LiveFeedBounds {
  /** Feeds kept at once. Default 100,000. */
  readonly maxFeeds?: number;
  readonly now?: () => number;
}

export class MemoryLiveFeed implements LiveFeed {
  // A Map keeps insertion order: re-inserting on append makes the first entry the stalest.
  private readonly feeds = new Map<string, Feed>();
  private readonly listeners = new Map<string, Set<FeedListener>>();
  private readonly maxEvents: number;
  private readonly ttlMs: number;
  private readonly maxFeeds: number;
  private readonly now: () => number;

  constructor(options: MemoryLiveFeedOptions = {}) {
    this.maxEvents = options.maxEventsPerFeed ?? DEFAULT_BOUNDS.maxEventsPerFeed;
    this.ttlMs = options.feedTtlMs ?? DEFAULT_BOUNDS.feedTtlMs;
    this.maxFeeds = options.maxFeeds ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  async append(feedKey: string, events: readonly NewFeedEvent[]): Promise<Array<string | null>> {
    const now = this.now();
    const feed: Feed = this.live(feedKey, now) ?? {
      events: [],
      lastMs: 0,
      lastSeq: 0,
      touchedAt: now,
      orders: new Map(),
      latest: new Map(),
    };
    const appended: FeedEvent[] = [];
    const ids = events.map((input) => {
      if (input.order !== undefined) {
        const last = feed.orders.get(input.type);
        if (last !== undefined && input.order <= last) return null;
        feed.orders.set(input.type, input.order);
      }
      if (now > feed.lastMs) {
        feed.lastMs = now;
        feed.lastSeq = 0;
      } else {
        feed.lastSeq++;
      }
      const event: FeedEvent = {
        id: `${feed.lastMs}-${feed.lastSeq}`,
        type: input.type,
        data: structuredClone(input.data),
      };
      feed.events.push(event);
      feed.latest.set(event.type, event);
      appended.push(event);
      return event.id;
    });
    if (feed.events.length > this.maxEvents) feed.events.splice(0, feed.events.length - this.maxEvents);
    feed.touchedAt = now;
    this.feeds.delete(feedKey);
    this.feeds.set(feedKey, feed);
    this.evict(now);
    for (const event of appended) for (const listener of this.listeners.get(feedKey) ?? []) listener(event);
    return ids;
  }

  async read(feedKey: string, afterId: string | null, limit = this.maxEvents): Promise<FeedEvent[]> {
    const feed = this.live(feedKey, this.now());
    if (!feed) return [];
    const after = afterId === null ? feed.events : feed.events.filter((e) => compareEventIds(e.id, afterId) > 0);
    return after.slice(0, limit);
  }

  async latest(feedKey: string): Promise<Record<string, FeedEvent>> {
    const feed = this.live(feedKey, this.now());
    return feed ? Object.fromEntries(feed.latest) : {};
  }

  async subscribe(feedKey: string, listener: FeedListener): Promise<() => Promise<void>> {
    let set = this.listeners.get(feedKey);
    if (!set) {
      set = new Set();
      this.listeners.set(feedKey, set);
    }
    set.add(listener);
    return async () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(feedKey) === set) this.listeners.delete(feedKey);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  private live(feedKey: string, now: number): Feed | undefined {
    const feed = this.feeds.get(feedKey);
    if (feed && now - feed.touchedAt > this.ttlMs) {
      this.feeds.delete(feedKey);
      return undefined;
    }
    return feed;
  }

  private evict(now: number): void {
    for (const [key, feed] of this.feeds) {
      if (this.feeds.size <= this.maxFeeds && now - feed.touchedAt <= this.ttlMs) break;
      this.feeds.delete(key);
    }
  }
}

// The live-feed port: a short, bounded history of events per feed (one order's tracking), with
// ids that increase within a feed, and subscribers told of every new event wherever it was
// appended. A reader that subscribes first and then reads the history after its last id misses
// nothing and sees nothing twice (see `followFeed`).

export interface FeedEvent<T = unknown> {
  /** `<ms>-<n>`: increases within a feed (Redis stream ids). Compare with `compareEventIds`. */
  readonly id: string;
  /** SSE event name, e.g. `position`. */
  readonly type: string;
  readonly data: T;
}

export type FeedListener = (event: FeedEvent) => void;

export interface NewFeedEvent {
  readonly type: string;
  readonly data: unknown;
  /**
   * When set, the event is appended only if `order` is greater than the last `order` appended
   * with the same type to this feed (e.g. a ping's time, an event's seq): a projection that
   * handles a message twice appends nothing twice.
   */
  readonly order?: number;
}

export interface LiveFeed {
  /**
   * Appends events in order, atomically; the oldest events of the feed fall off past its length
   * bound, and the feed expires when nothing was appended for its time to live. Returns each
   * event's id, or null for one not appended (see `NewFeedEvent.order`).
   */
  append(feed: string, events: readonly NewFeedEvent[]): Promise<Array<string | null>>;
  /** Events after `afterId` (all when null), oldest first, at most `limit`. */
  read(feed: string, afterId: string | null, limit?: number): Promise<FeedEvent[]>;
  /** The newest event of each type appended while the feed lives (e.g. the last position), by type. */
  latest(feed: string): Promise<Record<string, FeedEvent>>;
  /** Calls `listener` for every event appended from now on, by any process. Resolves once listening. */
  subscribe(feed: string, listener: FeedListener): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface LiveFeedBounds {
  /** Events kept per feed. Default 1,000. */
  readonly maxEventsPerFeed?: number;
  /** A feed nobody appended to for this long is dropped. Default 24 h. */
  readonly feedTtlMs?: number;
}

export const DEFAULT_BOUNDS = { maxEventsPerFeed: 1_000, feedTtlMs: 86_400_000 } as const;

/** Orders two event ids of one feed: negative, zero or positive. */
export function compareEventIds(a: string, b: string): number {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
  return aMs - bMs || aSeq - bSeq;
}

/** Whether `id` looks like a feed event id (a client's Last-Event-ID is untrusted input). */
export function isEventId(id: string): boolean {
  return /^\d{1,16}-\d{1,16}$/.test(id);
}

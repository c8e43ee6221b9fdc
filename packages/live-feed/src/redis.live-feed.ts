// The live feed of the distributed shape: each feed is a Redis stream (ids, bounded length,
// a time to live), and every append is also published on the feed's channel, so a subscriber
// connected to any process hears it. One subscriber connection per process serves all feeds.
import type { Redis } from 'ioredis';
import {
  DEFAULT_BOUNDS,
  type FeedEvent,
  type FeedListener,
  type LiveFeed,
  type LiveFeedBounds,
} from './live-feed.port.js';

// Append, trim, refresh the TTL and publish in one atomic step: a subscriber never hears of an
// event that a read cannot find.
const APPEND = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[1], '*', 't', ARGV[2], 'd', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', KEYS[1], id .. '\\n' .. ARGV[2] .. '\\n' .. ARGV[3])
return id`;

export interface RedisLiveFeedOptions extends LiveFeedBounds {
  /** For appends and reads. */
  readonly redis: Redis;
  /** A second connection, used only to subscribe (Redis puts it in subscriber mode). */
  readonly subscriber: Redis;
  /** Prefix of every key and channel, e.g. `ordo:feed:`. */
  readonly prefix: string;
}

export class RedisLiveFeed implements LiveFeed {
  private readonly listeners = new Map<string, Set<FeedListener>>();
  private readonly maxEvents: number;
  private readonly ttlMs: number;

  constructor(private readonly options: RedisLiveFeedOptions) {
    this.maxEvents = options.maxEventsPerFeed ?? DEFAULT_BOUNDS.maxEventsPerFeed;
    this.ttlMs = options.feedTtlMs ?? DEFAULT_BOUNDS.feedTtlMs;
    options.subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
  }

  async append(feed: string, type: string, data: unknown): Promise<string> {
    const id = await this.options.redis.eval(
      APPEND,
      1,
      this.key(feed),
      String(this.maxEvents),
      type,
      JSON.stringify(data),
      String(this.ttlMs),
    );
    return String(id);
  }

  async read(feed: string, afterId: string | null, limit = this.maxEvents): Promise<FeedEvent[]> {
    const start = afterId === null ? '-' : `(${afterId}`;
    const entries = await this.options.redis.xrange(this.key(feed), start, '+', 'COUNT', limit);
    return entries.map(([id, fields]) => toEvent(id, fields));
  }

  async subscribe(feed: string, listener: FeedListener): Promise<() => Promise<void>> {
    const channel = this.key(feed);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(listener);
    // Resolves once Redis confirmed; idempotent for a channel already subscribed.
    await this.options.subscriber.subscribe(channel);
    return async () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(channel) === set) {
        this.listeners.delete(channel);
        await this.options.subscriber.unsubscribe(channel).catch(() => {});
      }
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  private key(feed: string): string {
    return `${this.options.prefix}${feed}`;
  }

  private dispatch(channel: string, message: string): void {
    const set = this.listeners.get(channel);
    if (!set) return;
    const first = message.indexOf('\n');
    const second = message.indexOf('\n', first + 1);
    const event: FeedEvent = {
      id: message.slice(0, first),
      type: message.slice(first + 1, second),
      data: JSON.parse(message.slice(second + 1)),
    };
    for (const listener of set) listener(event);
  }
}

function toEvent(id: string, fields: string[]): FeedEvent {
  let type = '';
  let data: unknown = null;
  for (let i = 0; i < fields.length; i += 2) {
    if (fields[i] === 't') type = fields[i + 1] ?? '';
    else if (fields[i] === 'd') data = JSON.parse(fields[i + 1] ?? 'null');
  }
  return { id, type, data };
}

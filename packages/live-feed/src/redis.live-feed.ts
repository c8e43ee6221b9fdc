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
  type NewFeedEvent,
} from './live-feed.port.js';

// Append (skipping events whose order is not newer), trim, refresh the TTLs and publish, in one
// atomic step: a subscriber never hears of an event that a read cannot find. KEYS[1] is the
// stream, KEYS[2] a hash of the last order (`o:<type>`) and the newest event (`e:<type>`) per
// event type; ARGV: bound, TTL, then per event its type, JSON data and order ('' for none).
const APPEND = `
local ids = {}
local n = 0
for i = 3, #ARGV, 3 do
  local kind, data, order = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local fresh = true
  if order ~= '' then
    local last = redis.call('HGET', KEYS[2], 'o:' .. kind)
    if last and tonumber(order) <= tonumber(last) then fresh = false
    else redis.call('HSET', KEYS[2], 'o:' .. kind, order) end
  end
  n = n + 1
  if fresh then
    local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[1], '*', 't', kind, 'd', data)
    redis.call('HSET', KEYS[2], 'e:' .. kind, id .. '\\n' .. data)
    redis.call('PUBLISH', KEYS[1], id .. '\\n' .. kind .. '\\n' .. data)
    ids[n] = id
  else
    ids[n] = ''
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return ids`;

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

  async append(feed: string, events: readonly NewFeedEvent[]): Promise<Array<string | null>> {
    if (events.length === 0) return [];
    const args = events.flatMap((e) => [e.type, JSON.stringify(e.data), e.order === undefined ? '' : String(e.order)]);
    const key = this.key(feed);
    const ids = (await this.options.redis.eval(
      APPEND,
      2,
      key,
      `${key}:last`,
      String(this.maxEvents),
      String(this.ttlMs),
      ...args,
    )) as string[];
    return ids.map((id) => (id === '' ? null : id));
  }

  async read(feed: string, afterId: string | null, limit = this.maxEvents): Promise<FeedEvent[]> {
    const start = afterId === null ? '-' : `(${afterId}`;
    const entries = await this.options.redis.xrange(this.key(feed), start, '+', 'COUNT', limit);
    return entries.map(([id, fields]) => toEvent(id, fields));
  }

  async latest(feed: string): Promise<Record<string, FeedEvent>> {
    const fields = await this.options.redis.hgetall(`${this.key(feed)}:last`);
    const latest: Record<string, FeedEvent> = {};
    for (const [field, value] of Object.entries(fields)) {
      if (!field.startsWith('e:')) continue;
      const type = field.slice(2);
      const cut = value.indexOf('\n');
      latest[type] = { id: value.slice(0, cut), type, data: JSON.parse(value.slice(cut + 1)) };
    }
    return latest;
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

  /** The feed's stream; the braces keep its keys in one Redis Cluster slot. */
  private key(feed: string): string {
    return `${this.options.prefix}{${feed}}`;
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

export { followFeed, sseFrame } from './follow-feed.js';
export {
  compareEventIds,
  DEFAULT_BOUNDS,
  type FeedEvent,
  type FeedListener,
  isEventId,
  type LiveFeed,
  type LiveFeedBounds,
  type NewFeedEvent,
} from './live-feed.port.js';
export { MemoryLiveFeed, type MemoryLiveFeedOptions } from './memory.live-feed.js';
export { RedisLiveFeed, type RedisLiveFeedOptions } from './redis.live-feed.js';

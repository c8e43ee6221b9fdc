// @ordo/cache: cache-aside with a bounded in-process LRU in front of a shared second level.
export { CacheAside, type CacheAsideOptions, type CacheEvent, type CacheStats } from './cache-aside.js';
export { MemorySecondLevel, type MemorySecondLevelOptions, noSecondLevel } from './memory.second-level.js';
export { type RedisSecondLevelOptions, redisSecondLevel } from './redis.second-level.js';
export type {
  Invalidation,
  InvalidationChannel,
  Lease,
  SecondLevel,
  SharedCache,
  SharedRead,
} from './shared-cache.port.js';
export { jitteredTtl, TTL_JITTER } from './ttl.js';

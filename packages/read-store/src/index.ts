// @ordo/read-store: materialized views behind a small port, on Redis or in memory (ADR 0012).
export { decodeCursor, encodeCursor } from './cursor.js';
export { MemoryReadStore } from './memory.read-store.js';
export {
  type Activation,
  type ApplyOptions,
  ApplyOutcome,
  type Generation,
  type IndexEntry,
  InvalidCursorError,
  type Page,
  type PageRequest,
  type Projected,
  type ReadOptions,
  type ReadStore,
  RebuildInProgressError,
  type Reducer,
  type SourceVersion,
  type View,
  type ViewWriter,
} from './read-store.port.js';
export { RedisReadStore, type RedisReadStoreOptions } from './redis.read-store.js';
export type { ViewCacheOptions } from './view-cache.js';

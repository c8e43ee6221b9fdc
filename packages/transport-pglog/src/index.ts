export { appendMessages, topicLockKey } from './append.js';
export { pglogMigrations } from './migrations.js';
export { createPglogTransport, type PglogTransport, type PglogTransportOptions } from './pglog.transport.js';
export { type PruneOptions, type PruneResult, pruneLog } from './retention.js';
export { DEFAULT_MAX_AGE_MS, LOG_CHANNEL, type LogTables, logTables } from './tables.js';

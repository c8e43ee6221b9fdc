export {
  adminPgUrl,
  createTestPgDatabase,
  createTestPgliteDb,
  openTestDatabase,
  PGLITE_TEMPLATE_ENV,
  pgliteTemplateSetup,
  TEST_DATABASES,
  type TestDatabase,
  type TestDatabaseKind,
  type TestPgDatabase,
} from './databases.js';
export { type Deferred, deferred } from './deferred.js';
export { type DisorderCounts, DisorderlyTransport, type DisorderOptions } from './disorderly.transport.js';
export { SEALED_PLACEHOLDER, testFieldKeys } from './field-keys.js';
export { MemoryTransport } from './memory.transport.js';
export { startNatsServer, type TestNatsServer } from './nats-server.js';
export { publishedEnvelopes } from './published.js';
export { deleteKeysUnder, type ScanningRedis } from './redis-keys.js';
export { startRedisServer, type TestRedisServer } from './redis-server.js';
export { seededRandom } from './seeded-random.js';
export { type TableReads, tableReads } from './table-reads.js';

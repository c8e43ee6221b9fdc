export { adminPgUrl, createTestPgDatabase, createTestPgliteDb, type TestPgDatabase } from './databases.js';
export { MemoryTransport } from './memory.transport.js';

export { adminPgUrl, createTestPgDatabase, createTestPgliteDb, type TestPgDatabase } from './databases.js';

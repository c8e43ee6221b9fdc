export {
  adminPgUrl,
  createTestPgDatabase,
  createTestPgliteDb,
  PGLITE_TEMPLATE_ENV,
  pgliteTemplateSetup,
  type TestPgDatabase,
} from './databases.js';
export { MemoryTransport } from './memory.transport.js';

export {
  type Db,
  IsolationLevel,
  ident,
  type QueryOptions,
  type QueryResult,
  type Settled,
  type SqlExecutor,
  type TransactionOptions,
  type Unlisten,
} from './db.port.js';
export { kysely } from './kysely.js';
export { type Migration, migrate } from './migrations.js';
export { createPgDb, type PgDbOptions } from './pg.adapter.js';
export { createPgliteDb, openPglite, type PgliteDbOptions, pgliteParsers } from './pglite.adapter.js';
export { together } from './together.js';

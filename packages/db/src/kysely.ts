// Kysely on top of the Db port: a typed query builder whose queries run on whatever
// executor it is given (the database, or the transaction a use case is running in).
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely';
import type { SqlExecutor } from './db.port.js';

class ExecutorConnection implements DatabaseConnection {
  constructor(private readonly executor: SqlExecutor) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const res = await this.executor.query<R>(compiled.sql, compiled.parameters);
    return { rows: res.rows, numAffectedRows: BigInt(res.rowCount) };
  }

  // biome-ignore lint/correctness/useYield: streaming is not offered by the port
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported; page with keyset queries instead');
  }
}

class ExecutorDriver implements Driver {
  constructor(private readonly executor: SqlExecutor) {}
  async init() {}
  async acquireConnection() {
    return new ExecutorConnection(this.executor);
  }
  async beginTransaction(): Promise<void> {
    throw new Error('open transactions with Db.transaction(), then call kysely(tx)');
  }
  async commitTransaction() {}
  async rollbackTransaction() {}
  async releaseConnection() {}
  async destroy() {}
}

/** A Kysely instance bound to `executor`. Cheap to create; make one per transaction. */
export function kysely<DB>(executor: SqlExecutor): Kysely<DB> {
  return new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new ExecutorDriver(executor),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}

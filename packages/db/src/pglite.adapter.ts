// PGlite adapter for the Db port: WASM Postgres inside this process, one connection, so
// transactions run one at a time (PGlite queues statements behind an open transaction).
import { PGlite, types as pgliteTypes, type Transaction } from '@electric-sql/pglite';
import { runBeforeCommit, runCommitted } from './after-commit.js';
import type { Db, QueryResult, SqlExecutor, TransactionOptions, Unlisten } from './db.port.js';
import { stripStatementData } from './query-error.js';

export interface PgliteDbOptions {
  /** Directory for the data files; omit for an in-memory database. */
  dataDir?: string;
  /** An already opened instance (a clone of a template, in tests). */
  instance?: PGlite;
}

// Same number handling as the pg adapter, so both shapes return the same rows.
const parsers = {
  [pgliteTypes.INT8]: (value: string) => Number(value),
  [pgliteTypes.NUMERIC]: (value: string) => Number(value),
};

export async function openPglite(dataDir?: string): Promise<PGlite> {
  const instance = new PGlite(dataDir, { parsers });
  await instance.waitReady;
  return instance;
}

export function pgliteParsers() {
  return parsers;
}

type PgliteExecutor = Pick<Transaction, 'query' | 'exec'>;

// Like node-postgres, a statement without parameters goes over the simple protocol, so a
// migration script of several statements runs as one call.
function run<R>(executor: PgliteExecutor, text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
  return stripStatementData(async () => {
    if (params === undefined || params.length === 0) {
      const results = await executor.exec(text);
      const last = results.at(-1);
      return last ? toResult<R>(last) : { rows: [], rowCount: 0 };
    }
    return toResult<R>(await executor.query(text, params as unknown[]));
  });
}

// Like node-postgres: rows written for INSERT/UPDATE/DELETE, rows returned for SELECT (PGlite
// reports affectedRows 0 for a SELECT).
function toResult<R>(res: { rows: unknown[]; affectedRows?: number }): QueryResult<R> {
  return { rows: res.rows as R[], rowCount: Math.max(res.affectedRows ?? 0, res.rows.length) };
}

export async function createPgliteDb(options: PgliteDbOptions = {}): Promise<Db> {
  const instance = options.instance ?? (await openPglite(options.dataDir));
  return {
    kind: 'pglite',
    async query<R>(text: string, params?: readonly unknown[]) {
      return run<R>(instance, text, params);
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, txOptions?: TransactionOptions): Promise<T> {
      const committed: Array<() => void> = [];
      const committing: Array<() => Promise<void>> = [];
      // The COMMIT's own failure comes out of PGlite carrying the statement too.
      const result = await stripStatementData(() =>
        instance.transaction(async (pgTx) => {
          if (txOptions?.isolation) await pgTx.query(`SET TRANSACTION ISOLATION LEVEL ${txOptions.isolation}`);
          const tx: SqlExecutor = {
            query: <R>(text: string, params?: readonly unknown[]) => run<R>(pgTx, text, params),
            afterCommit: (callback) => void committed.push(callback),
            beforeCommit: (callback) => void committing.push(callback),
          };
          const value = await fn(tx);
          await runBeforeCommit(committing);
          return value;
        }),
      );
      runCommitted(committed);
      return result;
    },
    async listen(channel: string, onNotify: (payload: string) => void): Promise<Unlisten> {
      const unlisten = await instance.listen(channel, onNotify);
      return async () => {
        await unlisten();
      };
    },
    async close() {
      if (!instance.closed) await instance.close();
    },
  };
}

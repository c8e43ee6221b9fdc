// PGlite adapter for the Db port: WASM Postgres inside this process, one connection, so
// transactions run one at a time (PGlite queues statements behind an open transaction).
import { PGlite, parse, types as pgliteTypes, protocol, type Transaction } from '@electric-sql/pglite';
import { runBeforeCommit, runCommitted } from './after-commit.js';
import type { Db, QueryResult, SqlExecutor, TransactionOptions, Unlisten } from './db.port.js';
import { isStalePreparedStatement, stripStatementData } from './query-error.js';
import { DISCARD_PLANS, type ReplanOptions, ReplanSchedule } from './replan.js';
import { refuseRawRollbackTo, Savepoints } from './savepoints.js';

export interface PgliteDbOptions {
  /** Directory for the data files; omit for an in-memory database. */
  dataDir?: string;
  /** An already opened instance (a clone of a template, in tests). */
  instance?: PGlite;
  /** When the prepared statements are planned again (replan.ts). */
  replan?: ReplanOptions;
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

/** Distinct texts kept prepared; past it a statement runs unnamed, as PGlite's `query` runs it. */
const MAX_PREPARED = 2_000;

/** A statement prepared on the one connection: its name and the types of its parameters. */
interface Prepared {
  readonly name: string;
  readonly paramTypes: number[];
}

/**
 * Statements with parameters, run as named prepared statements: parsed and
 * planned once (generic plans, as on PostgreSQL; ADR 0027), then only bound and executed.
 * PGlite's own `query` parses, describes and plans every statement on every run, in WASM on this
 * process's thread. The caller holds PGlite's query lock (`runExclusive`); PGlite runs one
 * statement at a time, so a text is prepared once.
 */
class PreparedStatements {
  private readonly byText = new Map<string, Prepared>();
  private named = 0;

  constructor(
    private readonly instance: PGlite,
    /** Plans made while tables were small are thrown away as the database ages (replan.ts). */
    private readonly replan: ReplanSchedule,
  ) {}

  /**
   * Sends `messages` (an exchange ending with `Sync`, or one simple query) in one call into
   * PGlite, which runs every message of its input before it returns. After an error the server
   * skips to the `Sync`, so the call still ends ready for the next statement, then throws it.
   */
  private async send(...messages: Uint8Array[]) {
    const input = new Uint8Array(messages.reduce((length, m) => length + m.length, 0));
    let offset = 0;
    for (const message of messages) {
      input.set(message, offset);
      offset += message.length;
    }
    return this.instance.execProtocolStream(input, { syncToFs: false });
  }

  private async prepare(text: string): Promise<Prepared> {
    const name = `ordo_${++this.named}`;
    const described = await this.send(
      protocol.serialize.parse({ name, text }),
      protocol.serialize.describe({ type: 'S', name }),
      protocol.serialize.sync(),
    );
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(described) };
    this.byText.set(text, statement);
    return statement;
  }

  /** Whether the statement runs here: it has parameters, and the bound leaves room for its text. */
  takes(text: string, params: readonly unknown[] | undefined): boolean {
    return params !== undefined && params.length > 0 && (this.byText.has(text) || this.byText.size < MAX_PREPARED);
  }

  async run(text: string, params: readonly unknown[] = []): Promise<{ rows: unknown[]; affectedRows?: number }> {
    if (this.replan.due()) await this.send(protocol.serialize.query(DISCARD_PLANS));
    const statement = this.byText.get(text) ?? (await this.prepare(text));
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serialize = this.instance.serializers[statement.paramTypes[i] as number];
      return serialize ? serialize(value) : String(value);
    });
    try {
      const messages = await this.send(
        protocol.serialize.bind({ statement: statement.name, values }),
        protocol.serialize.describe({ type: 'P' }),
        protocol.serialize.execute({}),
        protocol.serialize.sync(),
      );
      return parse.parseResults(messages, this.instance.parsers)[0] ?? { rows: [] };
    } catch (error) {
      // A schema change that altered the statement's rows: prepared again, under a new name,
      // on its next run (this one fails, as on PostgreSQL).
      if (isStalePreparedStatement(error)) this.byText.delete(text);
      throw error;
    }
  }
}

// Like node-postgres: rows written for INSERT/UPDATE/DELETE, rows returned for SELECT (PGlite
// reports affectedRows 0 for a SELECT).
function toResult<R>(res: { rows: unknown[]; affectedRows?: number }): QueryResult<R> {
  return { rows: res.rows as R[], rowCount: Math.max(res.affectedRows ?? 0, res.rows.length) };
}

export async function createPgliteDb(options: PgliteDbOptions = {}): Promise<Db> {
  const instance = options.instance ?? (await openPglite(options.dataDir));
  // As on PostgreSQL (ADR 0027): a prepared statement is planned once, not for each run's values.
  await instance.exec('SET plan_cache_mode = force_generic_plan');
  const prepared = new PreparedStatements(instance, new ReplanSchedule(options.replan));
  return {
    kind: 'pglite',
    async query<R>(text: string, params?: readonly unknown[]) {
      if (!prepared.takes(text, params)) return run<R>(instance, text, params);
      // As PGlite's own `query` runs one: after any open transaction, then flushed to the files.
      return stripStatementData(async () => {
        const result = await instance._runExclusiveTransaction(() =>
          instance.runExclusive(() => prepared.run(text, params)),
        );
        await instance.syncToFs();
        return toResult<R>(result);
      });
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, txOptions?: TransactionOptions): Promise<T> {
      const committed: Array<() => void> = [];
      const committing: Array<() => Promise<void>> = [];
      // The COMMIT's own failure comes out of PGlite carrying the statement too.
      const result = await stripStatementData(() =>
        instance.transaction(async (pgTx) => {
          if (txOptions?.isolation) await pgTx.query(`SET TRANSACTION ISOLATION LEVEL ${txOptions.isolation}`);
          const savepoints = new Savepoints((text) => run(pgTx, text));
          const tx: SqlExecutor = {
            query: async <R>(text: string, params?: readonly unknown[]) => {
              refuseRawRollbackTo(text);
              return prepared.takes(text, params)
                ? stripStatementData(async () =>
                    toResult<R>(await instance.runExclusive(() => prepared.run(text, params))),
                  )
                : run<R>(pgTx, text, params);
            },
            afterCommit: (callback) => void committed.push(callback),
            beforeCommit: (callback) => void committing.push(callback),
            savepoint: (fn) => savepoints.run(fn),
            onUndo: (undo) => savepoints.onUndo(undo),
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

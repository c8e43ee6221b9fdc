// node-postgres adapter for the Db port: a pool for statements, one dedicated client for LISTEN.
import pg from 'pg';
import { runBeforeCommit, runCommitted } from './after-commit.js';
import type { Db, QueryOptions, QueryResult, SqlExecutor, TransactionOptions, Unlisten } from './db.port.js';
import { isStalePreparedStatement, stripStatementData } from './query-error.js';
import { DISCARD_PLANS, type ReplanOptions, ReplanSchedule } from './replan.js';
import { refuseRawRollbackTo, Savepoints } from './savepoints.js';

export interface PgDbOptions {
  connectionString: string;
  /** Pool size; each connection is a Postgres backend. */
  max?: number;
  /** Sets `application_name`, visible in pg_stat_activity. */
  applicationName?: string;
  /** How the server plans prepared statements (default `force_generic_plan`: once per connection). */
  planCacheMode?: 'auto' | 'force_generic_plan' | 'force_custom_plan';
  /** When each connection plans its prepared statements again (replan.ts). */
  replan?: ReplanOptions;
}

// int8 and numeric come back as JS numbers (ids, positions, money in minor units stay below 2^53).
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

// Every statement that runs more than once is prepared: node-postgres parses a named statement
// once per connection and reuses it on later calls with the same name, and the server, told to
// plan prepared statements generically (`plan_cache_mode`, set on every connection of the pool),
// plans it once per connection too. Unprepared, a statement is parsed, analysed and planned on
// every run: about 9 ms of the server's CPU per saga (a fifth of it) went to that (ADR 0027).
// Statements marked `prepare` get their name at once; any other read or write the second time
// its text is seen, up to a bound on distinct texts, so that SQL built with varying text (lists
// spelled out, one-off statements) cannot grow the connections' memory without end.
const statementNames = new Map<string, string>();
const seenOnce = new Set<string>();
/** Distinct texts prepared without being marked: far above what Ordo's services run. */
const MAX_AUTOMATIC_NAMES = 2_000;
/** Texts remembered while waiting for their second run; forgotten all at once when full. */
const MAX_SEEN_ONCE = 10_000;
let automaticNames = 0;
/** A single read or write; utility statements (SET, SAVEPOINT, DDL) gain nothing from a plan. */
const PREPARABLE = /^\s*\(?\s*(select|insert|update|delete|with)\b/i;

function nameFor(text: string, marked: boolean): string | undefined {
  const known = statementNames.get(text);
  if (known) return known;
  if (!marked) {
    if (automaticNames >= MAX_AUTOMATIC_NAMES || !PREPARABLE.test(text) || text.includes(';')) return undefined;
    if (!seenOnce.has(text)) {
      if (seenOnce.size >= MAX_SEEN_ONCE) seenOnce.clear();
      seenOnce.add(text);
      return undefined;
    }
    seenOnce.delete(text);
    automaticNames++;
  }
  const name = `ordo_${statementNames.size + 1}`;
  statementNames.set(text, name);
  return name;
}

function statement(text: string, params: readonly unknown[] | undefined, options: QueryOptions | undefined) {
  const name = nameFor(text, options?.prepare === true);
  return name ? { name, text, values: params as unknown[] } : { text, values: params as unknown[] };
}

type PgStatement = ReturnType<typeof statement>;

/**
 * One transaction on one pooled connection, with as few round trips as the protocol allows. The
 * pool's connections run in node-postgres's pipeline mode, so statements written back to back
 * are answered in order without waiting for each other:
 * - BEGIN is not a round trip of its own: it is written together with the transaction's first
 *   statement (a transaction that runs no statement sends neither BEGIN nor COMMIT);
 * - COMMIT rides with a statement marked `commit` (see `QueryOptions.commit`), else it is sent
 *   once the before-commit callbacks are done.
 * Statements issued together go out in one write (the socket is corked until the next tick). A
 * failed statement aborts the transaction on the server, so a COMMIT written behind it ends it as
 * a rollback (reported as such, never as a commit).
 */
class PipelinedTransaction {
  private readonly begin: string;
  private begun = false;
  /** COMMIT or ROLLBACK has been written (or is being written): no statement may follow. */
  private ended = false;
  private running = -1;
  private corked = false;

  constructor(
    private readonly client: pg.PoolClient,
    options: TransactionOptions | undefined,
  ) {
    this.begin = options?.isolation ? `BEGIN ISOLATION LEVEL ${options.isolation}` : 'BEGIN';
  }

  /**
   * Statements issued before the process next turns to its I/O (several in one synchronous run,
   * or by tasks awaited together) leave in one write instead of one system call each.
   */
  private corkUntilNextTick(): void {
    if (this.corked) return;
    const stream = this.client.connection.stream;
    stream.cork();
    this.corked = true;
    process.nextTick(() => {
      this.corked = false;
      stream.uncork();
    });
  }

  /** Told which before-commit callback runs now. */
  runningCallback(index: number): void {
    this.running = index;
  }

  /** Whether the callback running now is the last one registered. */
  lastCallback(callbacks: readonly unknown[]): boolean {
    return this.running >= 0 && this.running === callbacks.length - 1;
  }

  async query(statement: PgStatement, thenCommit: boolean): Promise<pg.QueryResult> {
    if (this.ended) throw new Error('the transaction has already ended; no statement can run in it');
    this.corkUntilNextTick();
    if (this.begun && !thenCommit) return this.client.query(statement);
    const begin = this.begun ? undefined : this.client.query(this.begin);
    this.begun = true;
    const main = this.client.query(statement);
    let commit: Promise<pg.QueryResult> | undefined;
    if (thenCommit) {
      commit = this.client.query('COMMIT');
      this.ended = true;
    }
    const [begun, result, ended] = await Promise.allSettled([begin, main, commit]);
    if (begun.status === 'rejected') throw begun.reason;
    if (result.status === 'rejected') throw result.reason;
    if (ended.status === 'rejected') throw ended.reason;
    if (ended.value) assertCommitted(ended.value);
    return result.value;
  }

  /** Commits, unless a statement already carried the COMMIT or none ran. */
  async commit(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    if (this.begun) assertCommitted(await this.client.query('COMMIT'));
  }

  /**
   * Rolls back what is open; false when the connection could not (it is then not reused). From
   * here on no statement runs in this transaction, even one issued late by work still running.
   */
  async rollback(): Promise<boolean> {
    this.ended = true;
    if (!this.begun) return true;
    try {
      // After a COMMIT was written the transaction has ended on the server either way; the
      // ROLLBACK then only confirms that the connection still answers.
      await this.client.query('ROLLBACK');
      return true;
    } catch {
      return false;
    }
  }
}

/** COMMIT of a transaction in which a statement failed answers ROLLBACK instead of an error. */
function assertCommitted(result: pg.QueryResult): void {
  if (result.command !== 'COMMIT') {
    throw new Error('the transaction was rolled back: a statement in it had failed');
  }
}

export function createPgDb(options: PgDbOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    // Statements written back to back are answered in order without waiting for each other
    // (PipelinedTransaction); a single statement runs exactly as without it.
    pipeline: true,
    application_name: options.applicationName ?? 'ordo',
    types,
  });
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => {});
  // Prepared statements get a generic plan at once: planned once per connection, not on every
  // run (PostgreSQL plans the first five runs for their values, and some statements for good).
  // Queued before anything the pool hands the connection out for. Where a statement filters on
  // a partial index's condition, the condition's values are written as literals, not parameters,
  // or a generic plan cannot use the index (ADR 0027).
  // A plan made while a table was small is thrown away as the connection ages (replan.ts):
  // queued, when due, before the statement the pool hands the connection out for.
  const replans = new WeakMap<pg.PoolClient, ReplanSchedule>();
  pool.on('connect', (client) => {
    client.query(`SET plan_cache_mode = ${options.planCacheMode ?? 'force_generic_plan'}`).catch(() => {});
    replans.set(client, new ReplanSchedule(options.replan));
  });
  pool.on('acquire', (client) => {
    if (replans.get(client)?.due()) client.query(DISCARD_PLANS).catch(() => {});
  });

  // One connection carries every LISTEN of this Db. When it drops (a server restart, a network
  // blip), it is opened again with backoff and every channel listened to again; notifications sent
  // in between are lost, which is why every listener also polls.
  let closed = false;
  let listener: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  const handlers = new Map<string, Set<(payload: string) => void>>();

  async function openListener(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: options.connectionString, types });
    client.on('notification', (msg) => {
      for (const handler of handlers.get(msg.channel) ?? []) handler(msg.payload ?? '');
    });
    client.on('error', () => lost(client));
    client.on('end', () => lost(client));
    await client.connect();
    for (const channel of handlers.keys()) await client.query(`LISTEN "${channel}"`);
    return client;
  }

  function listenerClient(): Promise<pg.Client> {
    if (listener) return Promise.resolve(listener);
    connecting ??= openListener().then(
      (client) => {
        listener = client;
        return client;
      },
      (error: unknown) => {
        connecting = undefined;
        throw error;
      },
    );
    return connecting;
  }

  function lost(client: pg.Client, attempt = 0): void {
    if (listener !== client && attempt === 0) return;
    listener = undefined;
    connecting = undefined;
    client.removeAllListeners('end');
    client.end().catch(() => {});
    if (closed || handlers.size === 0) return;
    const delayMs = Math.min(30_000, 500 * 2 ** attempt);
    reconnectTimer = setTimeout(() => {
      listenerClient().catch(() => lost(client, attempt + 1));
    }, delayMs);
    reconnectTimer.unref();
  }

  const toResult = <R>(res: pg.QueryResult): QueryResult<R> => ({ rows: res.rows as R[], rowCount: res.rowCount ?? 0 });

  return {
    kind: 'postgres',
    async query<R>(text: string, params?: readonly unknown[], queryOptions?: QueryOptions) {
      return toResult<R>(await stripStatementData(() => pool.query(statement(text, params, queryOptions))));
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, txOptions?: TransactionOptions): Promise<T> {
      const client = await pool.connect();
      const run = new PipelinedTransaction(client, txOptions);
      let broken = false;
      try {
        const committed: Array<() => void> = [];
        const committing: Array<() => Promise<void>> = [];
        const savepoints = new Savepoints((text) =>
          stripStatementData(() => run.query(statement(text, undefined, undefined), false)),
        );
        const tx: SqlExecutor = {
          query: async <R>(text: string, params?: readonly unknown[], queryOptions?: QueryOptions) => {
            refuseRawRollbackTo(text);
            return toResult<R>(
              await stripStatementData(() =>
                run.query(
                  statement(text, params, queryOptions),
                  queryOptions?.commit === true && run.lastCallback(committing),
                ),
              ),
            );
          },
          afterCommit: (callback) => void committed.push(callback),
          beforeCommit: (callback) => void committing.push(callback),
          savepoint: (fn) => savepoints.run(fn),
          onUndo: (undo) => savepoints.onUndo(undo),
        };
        const result = await fn(tx);
        await runBeforeCommit(committing, (index) => run.runningCallback(index));
        await stripStatementData(() => run.commit());
        runCommitted(committed);
        return result;
      } catch (error) {
        // A statement a schema change broke cannot run on this connection again: a fresh one replaces it.
        broken = !(await run.rollback()) || isStalePreparedStatement(error);
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async listen(channel: string, onNotify: (payload: string) => void): Promise<Unlisten> {
      const client = await listenerClient();
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        try {
          await client.query(`LISTEN "${channel}"`);
        } catch (error) {
          handlers.delete(channel);
          throw error;
        }
      }
      set.add(onNotify);
      return async () => {
        const current = handlers.get(channel);
        current?.delete(onNotify);
        if (current && current.size === 0) {
          handlers.delete(channel);
          await listener?.query(`UNLISTEN "${channel}"`).catch(() => {});
        }
      };
    },
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      const client = listener ?? (await connecting?.catch(() => undefined));
      if (client) {
        client.removeAllListeners('end');
        await client.end().catch(() => {});
      }
      await pool.end();
    },
  };
}

// The database port: raw SQL, transactions with an isolation level, and LISTEN/NOTIFY.
// One adapter per runtime shape (node-postgres for distributed, PGlite for embedded).

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface QueryOptions {
  /**
   * Prepare the statement on each connection (parsed and planned once) from its first run. On
   * PostgreSQL every read or write is prepared anyway from its second run, up to a bound on
   * distinct texts (ADR 0027); this is for the fixed statements of hot paths, which should not
   * wait for it or depend on the bound. On PGlite every statement with parameters is prepared from
   * its first run, marked or not.
   */
  prepare?: boolean;
  /**
   * The transaction's last statement: COMMIT is sent right behind it, in the same round trip, so
   * a lock it takes is held only while the server runs it and commits, not while the result
   * travels back and the COMMIT comes after it. Only honoured for a statement issued by the last
   * `beforeCommit` callback registered; the transaction has then ended when the promise settles
   * (committed if it resolves), and any statement after it in that transaction fails. Elsewhere,
   * and on adapters without round trips (PGlite), it is an ordinary statement and COMMIT follows
   * the callbacks as usual.
   */
  commit?: boolean;
}

/** Anything that can run a statement: the database itself or an open transaction. */
export interface SqlExecutor {
  query<R = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<R>>;
  /**
   * Only on a transaction (`Db.transaction`'s executor): runs `fn` once the transaction has
   * committed, never when it rolls back. For work that must not run before the data is durable
   * and visible (handing committed outbox rows to the relay). Errors thrown by `fn` are ignored.
   */
  afterCommit?(fn: () => void): void;
  /**
   * Only on a transaction: runs `fn` after the transaction's own work and right before COMMIT, in
   * the transaction (callbacks in the order registered, each awaited). A callback that throws rolls
   * the transaction back, and the error is the transaction's. For writes that must come last,
   * e.g. taking a lock that is then held only until the commit (appending to the message log).
   */
  beforeCommit?(fn: () => Promise<void>): void;
  /**
   * Only on a transaction: runs `fn` under a savepoint. When `fn` throws, the transaction goes back
   * to the savepoint: what `fn` wrote is undone, and so is the work it left in memory for the
   * commit (the `onUndo` callbacks registered meanwhile run, newest first); the result is then
   * `{ ok: false, error }`. The SAVEPOINT goes out with `fn`'s first statement (one round trip on
   * a pipelining connection) and is never released (COMMIT ends it). A failure of the savepoint's
   * own statements is thrown: it is the transaction's, never `fn`'s. Savepoints are taken only
   * here: a `ROLLBACK TO` statement passed to `query` is refused, since it would leave that work.
   */
  savepoint?<T>(fn: () => Promise<T>): Promise<Settled<T>>;
  /**
   * Only on a transaction: `undo` runs if a savepoint open now is rolled back (`savepoint`). For
   * work kept in memory until the commit, e.g. messages to append then; comes with `savepoint`.
   */
  onUndo?(undo: () => void): void;
}

/** How a function run under a savepoint ended. */
export type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export const IsolationLevel = {
  ReadCommitted: 'read committed',
  RepeatableRead: 'repeatable read',
  Serializable: 'serializable',
} as const;
export type IsolationLevel = (typeof IsolationLevel)[keyof typeof IsolationLevel];

export interface TransactionOptions {
  isolation?: IsolationLevel;
}

export type Unlisten = () => Promise<void>;

export interface Db extends SqlExecutor {
  /** `postgres` (node-postgres pool) or `pglite` (in-process, one connection). */
  readonly kind: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Calls `onNotify` for every NOTIFY on `channel` after the notifying transaction commits. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<Unlisten>;
  close(): Promise<void>;
}

/** Quotes an identifier (schema, table) for use in SQL text. */
export function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
    throw new Error(`not a safe SQL identifier: ${name}`);
  }
  return `"${name}"`;
}

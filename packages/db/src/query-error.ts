// A failed statement's error leaves the Db adapters without the data the statement carried.
// PGlite attaches the statement text, every bound parameter and the query options to the errors
// it throws, so a logged 500 used to show a customer's address; node-postgres attaches none, but
// its `detail` quotes row values (`Key (email)=(…) already exists`). Both are removed here, at
// the source; code, message, constraint, table and column stay for handlers and operators.
const CARRIED_DATA = ['params', 'query', 'queryOptions', 'detail', 'where', 'internalQuery'] as const;

/** `error` itself, with the statement and row data it carried deleted. */
export function withoutStatementData(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const fields = error as Record<string, unknown>;
  for (const field of CARRIED_DATA) {
    if (field in fields) delete fields[field];
  }
  return error;
}

/** Runs `statement`, rethrowing its failure without the statement's data. */
export async function stripStatementData<T>(statement: () => Promise<T>): Promise<T> {
  try {
    return await statement();
  } catch (error) {
    throw withoutStatementData(error);
  }
}

/**
 * The error a prepared statement gets once a schema change altered the rows it returns (`SELECT *`
 * of a table that gained a column): that statement can no longer run where it was prepared.
 */
export function isStalePreparedStatement(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '0A000' && typeof message === 'string' && message.includes('cached plan must not change result type');
}

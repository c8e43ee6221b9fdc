// Statements of one transaction issued together: on a pipelining connection (the node-postgres
// adapter) they leave in one write and are answered in one round trip, and the server still runs
// them in the order they were issued.

/**
 * Awaits work issued together inside one transaction, like `Promise.all`, except that it waits
 * for every part to settle before it fails. With `Promise.all`, the first failure would end the
 * transaction (rollback, connection back to the pool) while another part still ran and could
 * issue its next statement after that. The error thrown is the one that happened first: the
 * statements behind a failed one then only fail because the transaction was aborted.
 */
export async function together<T extends readonly unknown[]>(...parts: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  let first: { error: unknown } | undefined;
  const settled = await Promise.allSettled(
    parts.map((part) =>
      (part as Promise<unknown>).catch((error: unknown) => {
        first ??= { error };
        throw error;
      }),
    ),
  );
  if (first) throw first.error;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

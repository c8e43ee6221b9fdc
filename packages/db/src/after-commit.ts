// What the adapters do with `SqlExecutor.afterCommit` callbacks once their transaction committed.

/** Runs after-commit callbacks; one that throws does not keep the others from running. */
export function runCommitted(callbacks: ReadonlyArray<() => void>): void {
  for (const callback of callbacks) {
    try {
      callback();
    } catch {
      // An after-commit step is best effort by contract: the data is committed either way.
    }
  }
}

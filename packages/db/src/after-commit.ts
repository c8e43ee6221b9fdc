// What the adapters do with `SqlExecutor.beforeCommit` callbacks before their transaction commits,
// and with `afterCommit` callbacks once it committed.

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

/** Runs before-commit callbacks one after the other; the first that throws fails the transaction. */
export async function runBeforeCommit(
  callbacks: ReadonlyArray<() => Promise<void>>,
  running?: (index: number) => void,
): Promise<void> {
  // A callback may register another (it runs too, after the ones before it).
  for (let i = 0; i < callbacks.length; i++) {
    running?.(i);
    await (callbacks[i] as () => Promise<void>)();
  }
}

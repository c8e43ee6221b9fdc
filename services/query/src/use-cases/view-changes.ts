// Wakes readers waiting for a view to reach a version (read-your-writes) as soon as this process
// applies an update to it; readers also poll, for updates applied by another instance.

export class ViewChanges {
  private readonly waiters = new Map<string, Set<() => void>>();

  /** Called after an update to `key` was applied. */
  notify(key: string): void {
    const waiting = this.waiters.get(key);
    if (!waiting) return;
    this.waiters.delete(key);
    for (const wake of waiting) wake();
  }

  /** Resolves on the next change of `key`, or after `ms`, whichever comes first. */
  next(key: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const waiting = this.waiters.get(key) ?? new Set();
      const wake = () => {
        clearTimeout(timer);
        waiting.delete(wake);
        if (waiting.size === 0 && this.waiters.get(key) === waiting) this.waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      waiting.add(wake);
      this.waiters.set(key, waiting);
    });
  }
}

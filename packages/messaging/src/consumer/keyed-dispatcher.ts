// Runs work items concurrently, at most `concurrency` at once, while items that share a key run
// in submission order: each waits for the previous item of every key it touches. This lets the
// consumer keep fetching while earlier messages are still being processed, without ever
// running two messages of one aggregate at the same time.

export class KeyedDispatcher {
  private running = 0;
  private readonly slotWaiters: Array<() => void> = [];
  private readonly tails = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly settledWaiters: Array<() => void> = [];
  private submitted = 0;

  constructor(
    private readonly concurrency: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Items submitted and not yet finished (waiting or running). */
  get pending(): number {
    return this.submitted;
  }

  submit(keys: readonly string[], size: number, work: () => Promise<void>): void {
    const previous = keys.map((k) => this.tails.get(k)).filter((p): p is Promise<void> => p !== undefined);
    this.submitted += size;
    const task = (async () => {
      if (previous.length > 0) await Promise.all(previous);
      await this.acquire();
      try {
        await work();
      } catch (error) {
        this.onError(error);
      } finally {
        this.release();
      }
    })();
    for (const key of keys) this.tails.set(key, task);
    this.inFlight.add(task);
    void task.finally(() => {
      this.inFlight.delete(task);
      this.submitted -= size;
      for (const key of keys) if (this.tails.get(key) === task) this.tails.delete(key);
      for (const wake of this.settledWaiters.splice(0)) wake();
    });
  }

  /** Resolves when some item finishes (or at once if nothing is pending). */
  whenSomeSettle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /** Resolves when everything submitted so far has finished. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private acquire(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  private release(): void {
    const next = this.slotWaiters.shift();
    if (next) next();
    else this.running--;
  }
}

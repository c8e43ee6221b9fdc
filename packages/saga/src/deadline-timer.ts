// Runs the deadline sweep periodically: one run at a time, a timer that never keeps the process
// alive on its own, and a stop() that waits for the run in flight.

export class DeadlineTimer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    /** One sweep; resolves to the number of instances handled. */
    private readonly sweep: () => Promise<number>,
    /** Instances per sweep: a full sweep is followed by another at once. */
    private readonly batchSize: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  get active(): boolean {
    return !this.stopped;
  }

  start(intervalMs: number): void {
    if (!this.stopped) return;
    if (!(intervalMs > 0)) throw new Error(`intervalMs must be > 0, got ${intervalMs}`);
    this.stopped = false;
    this.schedule(intervalMs);
  }

  /** Graceful: no new sweep starts; resolves once the one in flight has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(intervalMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule(intervalMs);
      });
    }, intervalMs);
    this.timer.unref();
  }

  private async runOnce(): Promise<void> {
    try {
      while (!this.stopped && (await this.sweep()) >= this.batchSize) {
        // A full batch: more may be due.
      }
    } catch (error) {
      this.onError(error);
    }
  }
}

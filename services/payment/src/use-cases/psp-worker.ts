// The PSP worker: claims due operations (a lease, taken with FOR UPDATE SKIP LOCKED, so several
// replicas share the queue) and processes a few at once. Woken when a command was accepted,
// polling as a fallback. A failure it does not expect (a crash, in effect) leaves the lease to
// expire, and whoever claims the operation next repeats the call under the same idempotency key.
import { v7 as uuidv7 } from 'uuid';
import type { Operation } from '../data-access/operation.repository.js';
import type { PaymentDeps } from './payment.deps.js';
import { processOperation } from './process-operation.use-case.js';

export class PspWorker {
  private readonly inFlight = new Set<Promise<void>>();
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private woken = false;

  constructor(private readonly deps: PaymentDeps) {}

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  /** Graceful drain: no new claims; operations in flight finish and are recorded. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.poke();
    await this.running;
    this.running = undefined;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Something may be due now (a command was accepted, an operation ended). */
  poke(): void {
    this.woken = true;
    this.wake?.();
  }

  /** Claims what is due and processes it; resolves when done. Returns how many it processed. */
  async runOnce(): Promise<number> {
    const operations = await this.claim(this.deps.settings.workerConcurrency);
    await Promise.allSettled(operations.map((op) => this.process(op)));
    return operations.length;
  }

  private claim(limit: number): Promise<Operation[]> {
    return this.deps.operations.claimDue(this.deps.db, {
      now: this.deps.now(),
      leaseMs: this.deps.settings.workerLeaseMs,
      limit,
      token: uuidv7(),
    });
  }

  private async process(op: Operation): Promise<void> {
    try {
      await processOperation(this.deps, op);
    } catch (error) {
      // Treated as a crash: the lease runs out and the operation is claimed again.
      this.deps.logger.error(
        { err: error, operationId: op.id, kind: op.kind },
        'processing a payment operation failed',
      );
    }
  }

  private async loop(): Promise<void> {
    const { workerConcurrency, workerPollIntervalMs } = this.deps.settings;
    let failures = 0;
    while (!this.stopping) {
      this.woken = false;
      const free = workerConcurrency - this.inFlight.size;
      if (free > 0) {
        let claimed: Operation[] = [];
        try {
          claimed = await this.claim(free);
          failures = 0;
        } catch (error) {
          failures++;
          this.deps.logger.warn({ err: error, failures }, 'claiming payment operations failed; backing off');
          await this.sleep(Math.min(5_000, 100 * 2 ** failures));
          continue;
        }
        for (const op of claimed) {
          const task: Promise<void> = this.process(op).finally(() => {
            this.inFlight.delete(task);
            this.poke();
          });
          this.inFlight.add(task);
        }
        if (claimed.length === free) continue;
      }
      if (!this.woken) await this.sleep(workerPollIntervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }
}

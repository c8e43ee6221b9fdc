// Collects a phase's orders as they are placed, and at the end waits a bounded time for those
// still in flight: whatever has not ended by then counts as unfinished (a failure).
import { setTimeout as delay } from 'node:timers/promises';
import { type OrderTracker, type Outcome, UNFINISHED } from '../completion/tracker.js';

export class PhaseRecorder {
  private readonly slots: Array<Outcome | undefined> = [];
  private readonly sentAt: number[] = [];
  private readonly promises: Promise<void>[] = [];

  get placed(): number {
    return this.slots.length;
  }

  add(outcome: Promise<Outcome>): Promise<Outcome> {
    const i = this.slots.length;
    this.slots.push(undefined);
    this.sentAt.push(Date.now());
    this.promises.push(
      outcome.then((o) => {
        this.slots[i] = o;
      }),
    );
    return outcome;
  }

  /** Waits up to `drainMs` for every order to end, gives up on the rest, and returns all outcomes. */
  async drain(drainMs: number, tracker: OrderTracker): Promise<Outcome[]> {
    const timeout = new AbortController();
    const timer = delay(drainMs, undefined, { signal: timeout.signal }).catch(() => undefined);
    await Promise.race([Promise.all(this.promises), timer]);
    timeout.abort();
    tracker.abandonAll();
    // Settlements already queued land before the answers are read.
    await delay(0);
    return this.slots.map(
      (o, i) =>
        o ?? { id: '', sentAtMs: this.sentAt[i] as number, status: UNFINISHED, reason: null, settledAtMs: undefined },
    );
  }
}

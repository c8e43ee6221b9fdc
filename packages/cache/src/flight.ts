// One load of one key in this process: every read that misses meanwhile waits for its first
// answer, which may be a stale entry while the flight goes on to refresh it.
import type { Entry } from './entry.js';

export class Flight<V> {
  readonly answer: Promise<Entry<V>>;
  answered = false;
  /** Invalidated while loading: its result goes to those already waiting, and is kept nowhere. */
  invalidated = false;
  /** A read is waiting for it (not only a background refresh). */
  awaited = false;
  private settle!: { resolve(entry: Entry<V>): void; reject(error: unknown): void };

  constructor() {
    this.answer = new Promise<Entry<V>>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // A background refresh has nobody waiting; its failure is reported, not thrown.
    this.answer.catch(() => {});
  }

  /** The first answer wins; later ones (a refresh after a stale answer) are for the LRU only. */
  resolve(entry: Entry<V>): void {
    if (this.answered) return;
    this.answered = true;
    this.settle.resolve(entry);
  }

  reject(error: unknown): void {
    if (this.answered) return;
    this.answered = true;
    this.settle.reject(error);
  }
}

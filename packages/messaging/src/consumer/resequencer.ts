// Holds messages that arrived before their predecessor, instead of sending each straight back
// to the broker: when the predecessor is applied (usually a moment later, in this process), the
// held successors run at once, in seq order. A message held too long (its predecessor is with
// another consumer instance, or was lost) is handed back to the broker after `holdMs`.
import type { Delivery } from '../transport.port.js';

interface Held {
  seq: number;
  delivery: Delivery;
  timer: NodeJS.Timeout;
}

export class Resequencer {
  private readonly held = new Map<string, Held[]>();
  private count = 0;

  constructor(
    private readonly holdMs: number,
    private readonly capacity: number,
    private readonly onExpire: (delivery: Delivery) => void,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Holds the delivery; false when full (the caller sends it back to the broker instead). */
  hold(key: string, seq: number, delivery: Delivery): boolean {
    if (this.count >= this.capacity) return false;
    const list = this.held.get(key) ?? [];
    const entry: Held = {
      seq,
      delivery,
      timer: setTimeout(() => {
        if (this.remove(key, entry)) this.onExpire(delivery);
      }, this.holdMs),
    };
    list.push(entry);
    this.held.set(key, list);
    this.count++;
    return true;
  }

  /** Takes every delivery held for `key`, in seq order. */
  release(key: string): Delivery[] {
    const list = this.held.get(key);
    if (!list) return [];
    this.held.delete(key);
    this.count -= list.length;
    for (const entry of list) clearTimeout(entry.timer);
    return list.sort((a, b) => a.seq - b.seq).map((e) => e.delivery);
  }

  /** Takes everything held (on shutdown). */
  releaseAll(): Delivery[] {
    return [...this.held.keys()].flatMap((key) => this.release(key));
  }

  private remove(key: string, entry: Held): boolean {
    const list = this.held.get(key);
    const index = list?.indexOf(entry) ?? -1;
    if (!list || index < 0) return false;
    list.splice(index, 1);
    if (list.length === 0) this.held.delete(key);
    this.count--;
    return true;
  }
}

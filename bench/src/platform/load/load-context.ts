// What every load phase works with: how to place an order, who watches completion, the meter,
// and how long to wait for stragglers.
import type { OrderTracker } from '../completion/tracker.js';
import type { Meter } from '../meter/meter.js';
import type { PlaceOrder } from './order-placer.js';

export interface LoadContext {
  place: PlaceOrder;
  tracker: OrderTracker;
  meter: Meter;
  /** How long orders still in flight after the window may take to end, ms. */
  drainMs: number;
  log(message: string): void;
}

/** Sleeps until `atMs` (epoch), or returns at once if it has passed. */
export function sleepUntil(atMs: number, signal?: AbortSignal): Promise<void> {
  const ms = atMs - Date.now();
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

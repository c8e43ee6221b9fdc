// Runs a fetched batch with bounded concurrency while keeping one aggregate's messages in
// order: deliveries with the same key form a lane that runs sequentially.
import type { Delivery } from '../transport.port.js';

export function lanesByKey(deliveries: readonly Delivery[], ordered: boolean): Delivery[][] {
  if (!ordered) return deliveries.map((d) => [d]);
  const lanes = new Map<string, Delivery[]>();
  for (const delivery of deliveries) {
    const key = delivery.message.key;
    const lane = lanes.get(key);
    if (lane) lane.push(delivery);
    else lanes.set(key, [delivery]);
  }
  for (const lane of lanes.values()) lane.sort((a, b) => a.position - b.position);
  return [...lanes.values()];
}

/** Runs `work` over `items` with at most `limit` in flight; resolves when all have settled. */
export async function runWithLimit<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

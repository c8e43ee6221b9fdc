// Groups a fetched batch into lanes (one aggregate's deliveries, in stream order) and packs
// lanes into chunks that commit in one transaction.
import { Headers } from '../envelope.js';
import type { Delivery } from '../transport.port.js';

function seqOf(delivery: Delivery): number {
  const seq = Number(delivery.message.headers[Headers.Seq]);
  return Number.isFinite(seq) ? seq : 0;
}

export function lanesByKey(deliveries: readonly Delivery[], ordered: boolean): Delivery[][] {
  if (!ordered) return deliveries.map((d) => [d]);
  const lanes = new Map<string, Delivery[]>();
  for (const delivery of deliveries) {
    const key = delivery.message.key;
    const lane = lanes.get(key);
    if (lane) lane.push(delivery);
    else lanes.set(key, [delivery]);
  }
  // By seq where the transport message carries it (a redelivered predecessor may have a higher
  // position than its successor), otherwise by stream position.
  for (const lane of lanes.values()) lane.sort((a, b) => seqOf(a) - seqOf(b) || a.position - b.position);
  return [...lanes.values()];
}

/**
 * Packs lanes into chunks of at most `size` deliveries. A lane longer than `size` is cut into
 * consecutive pieces; the dispatcher runs pieces of one key in order.
 */
export function packLanes(lanes: readonly Delivery[][], size: number): Delivery[][] {
  const limit = Math.max(1, size);
  const chunks: Delivery[][] = [];
  let current: Delivery[] = [];
  for (const lane of lanes) {
    for (let i = 0; i < lane.length; i += limit) {
      const piece = lane.slice(i, i + limit);
      if (current.length + piece.length > limit) {
        chunks.push(current);
        current = [];
      }
      current.push(...piece);
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

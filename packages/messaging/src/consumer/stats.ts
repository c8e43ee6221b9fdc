// Counters of what a consumer did; the host exports them as metrics.
import type { DeliveryOutcome } from './context.js';

export type StatName = DeliveryOutcome | 'retried' | 'gap' | 'deadLettered';

export class ConsumerStats {
  private readonly counts = new Map<StatName, number>();
  private readonly listeners = new Set<(name: StatName) => void>();

  count(name: StatName): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    for (const listener of this.listeners) listener(name);
  }

  get(name: StatName): number {
    return this.counts.get(name) ?? 0;
  }

  snapshot(): Record<StatName, number> {
    const names: StatName[] = ['processed', 'duplicate', 'stale', 'ignored', 'retried', 'gap', 'deadLettered'];
    return Object.fromEntries(names.map((n) => [n, this.get(n)])) as Record<StatName, number>;
  }

  /** Calls `listener` on every count (metrics exporters hook in here). */
  onCount(listener: (name: StatName) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

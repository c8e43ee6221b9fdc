// Counters of what the simulator did, for tests and chaos runs to assert on. In memory, per
// process: they describe this simulator instance, not the provider's records.
import type { FaultKind } from '../domain/fault-settings.js';

export interface SimStatsSnapshot {
  /** Calls to the provider API (admin calls are not counted). */
  readonly calls: number;
  readonly authorizations: number;
  readonly declines: number;
  readonly captures: number;
  readonly voids: number;
  readonly refunds: number;
  /** Operations refused by the charge's state or amounts (404, 409, 422), stored like any answer. */
  readonly rejections: number;
  /** Answers replayed for a repeated idempotency key. */
  readonly replays: number;
  readonly faults: Readonly<Record<FaultKind, number>>;
}

export type OperationOutcome = 'authorizations' | 'declines' | 'captures' | 'voids' | 'refunds' | 'rejections';

export class SimStats {
  private counters = SimStats.zero();

  private static zero() {
    return {
      calls: 0,
      authorizations: 0,
      declines: 0,
      captures: 0,
      voids: 0,
      refunds: 0,
      rejections: 0,
      replays: 0,
      faults: { outage: 0, '5xx': 0, lost: 0, timeout: 0 } as Record<FaultKind, number>,
    };
  }

  call(): void {
    this.counters.calls++;
  }

  outcome(outcome: OperationOutcome | 'replays'): void {
    this.counters[outcome]++;
  }

  fault(kind: FaultKind): void {
    this.counters.faults[kind]++;
  }

  snapshot(): SimStatsSnapshot {
    return { ...this.counters, faults: { ...this.counters.faults } };
  }

  reset(): void {
    this.counters = SimStats.zero();
  }
}

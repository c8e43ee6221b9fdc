// One load phase's numbers: what was offered, what completed inside the measurement window, how
// long placed → CONFIRMED took, what failed and why, and what it cost.
import { OrderStatus } from '@ordo/contracts-order';
import { percentile } from '../../percentiles.js';
import { type Outcome, UNFINISHED } from '../completion/tracker.js';
import type { Cost } from '../meter/meter.js';
import { PLACE_FAILED } from './order-placer.js';

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

export interface PhaseResult {
  name: string;
  kind: 'closed' | 'open' | 'soak';
  /** Closed loop: orders in flight. */
  inFlight?: number;
  /** Open loop: the rate asked for, orders/s. */
  targetPerSec?: number;
  /** Orders sent inside the window, per second (what was actually offered). */
  offeredPerSec: number;
  windowS: number;
  /** Sagas that ended (CONFIRMED, REJECTED or CANCELLED) inside the window. */
  completed: number;
  completedPerSec: number;
  confirmed: number;
  /** Placed → CONFIRMED, ms, of the orders confirmed inside the window. */
  latencyMs: LatencySummary;
  /** Ended other than CONFIRMED inside the window, by status and reason. */
  rejected: Record<string, number>;
  /** Orders of the whole phase (warm-up included) refused by the API or not ended by the drain deadline. */
  failed: number;
  failures: Record<string, number>;
  placed: number;
  cost: Cost;
}

function latency(samples: number[]): LatencySummary {
  const sorted = samples.sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

export function phaseResult(
  base: Pick<PhaseResult, 'name' | 'kind' | 'inFlight' | 'targetPerSec'>,
  outcomes: readonly Outcome[],
  window: { startMs: number; endMs: number },
  costOf: (sagas: number) => Cost,
): PhaseResult {
  const windowS = (window.endMs - window.startMs) / 1000;
  const inWindow = (t: number | undefined) => t !== undefined && t >= window.startMs && t < window.endMs;
  const samples: number[] = [];
  const rejected: Record<string, number> = {};
  const failures: Record<string, number> = {};
  let completed = 0;
  let sent = 0;
  let failed = 0;
  for (const o of outcomes) {
    if (inWindow(o.sentAtMs)) sent++;
    if (o.status === PLACE_FAILED || o.status === UNFINISHED) {
      failed++;
      bump(failures, o.status === UNFINISHED ? 'not ended by the drain deadline' : `refused: ${o.reason}`);
      continue;
    }
    if (!inWindow(o.settledAtMs)) continue;
    completed++;
    if (o.status === OrderStatus.Confirmed) samples.push((o.settledAtMs as number) - o.sentAtMs);
    else bump(rejected, `${o.status}: ${o.reason ?? '(no reason)'}`);
  }
  return {
    ...base,
    offeredPerSec: sent / windowS,
    windowS,
    completed,
    completedPerSec: completed / windowS,
    confirmed: samples.length,
    latencyMs: latency(samples),
    rejected,
    failed,
    failures,
    placed: outcomes.length,
    cost: costOf(completed),
  };
}

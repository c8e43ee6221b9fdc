import { describe, expect, it } from 'vitest';
import { type Outcome, UNFINISHED } from '../completion/tracker.js';
import type { Cost } from '../meter/meter.js';
import { PLACE_FAILED } from './order-placer.js';
import { phaseResult } from './phase-result.js';

const outcome = (sentAtMs: number, status: string, settledAtMs?: number, reason: string | null = null): Outcome => ({
  id: `${sentAtMs}`,
  sentAtMs,
  status,
  reason,
  settledAtMs,
});

describe('phaseResult', () => {
  it('when orders end inside and outside the window, then only those ending inside count, with their latency', () => {
    const seen: number[] = [];
    const result = phaseResult(
      { name: 'closed loop', kind: 'closed', inFlight: 2 },
      [
        outcome(500, 'CONFIRMED', 900), // ends before the window
        outcome(900, 'CONFIRMED', 1100), // 200 ms
        outcome(1000, 'CONFIRMED', 1400), // 400 ms
        outcome(1500, 'REJECTED', 1600, 'authorize-payment failed: payment_declined'),
        outcome(1900, 'CONFIRMED', 2100), // ends after the window
        outcome(1950, PLACE_FAILED, undefined, 'HTTP 500'),
        outcome(1990, UNFINISHED),
      ],
      { startMs: 1000, endMs: 2000 },
      (sagas) => {
        seen.push(sagas);
        return {} as Cost;
      },
    );
    expect(result.completed).toBe(3);
    expect(result.completedPerSec).toBe(3);
    expect(result.confirmed).toBe(2);
    expect(result.latencyMs).toMatchObject({ count: 2, p50: 200, p99: 400, max: 400 });
    expect(result.rejected).toEqual({ 'REJECTED: authorize-payment failed: payment_declined': 1 });
    expect(result.failed).toBe(2);
    expect(result.failures).toEqual({ 'refused: HTTP 500': 1, 'not ended by the drain deadline': 1 });
    expect(result.offeredPerSec).toBe(5);
    expect(seen).toEqual([3]);
  });
});

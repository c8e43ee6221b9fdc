import { describe, expect, it } from 'vitest';
import type { PhaseResult } from '../load/phase-result.js';
import type { Cost } from '../meter/meter.js';
import { saturationReason } from './sweep.js';

function step(offered: number, completed: number, p99: number, failed = 0, placed = 1000): PhaseResult {
  return {
    name: `open loop ${offered}/s`,
    kind: 'open',
    targetPerSec: offered,
    offeredPerSec: offered,
    windowS: 15,
    completed: completed * 15,
    completedPerSec: completed,
    confirmed: completed * 15,
    latencyMs: { count: completed * 15, p50: p99 / 2, p99, p999: p99, max: p99 },
    rejected: {},
    failed,
    failures: {},
    placed,
    cost: {} as Cost,
  };
}

describe('saturationReason', () => {
  const first = step(10, 10, 200);

  it('when a step completes what is offered at a similar p99, then it is not saturated', () => {
    expect(saturationReason(step(20, 19.5, 300), first)).toBeUndefined();
  });

  it('when a step completes less than 90 % of what is offered, then it is saturated', () => {
    expect(saturationReason(step(40, 30, 300), first)).toMatch(/completed 30.0\/s < 90 %/);
  });

  it('when more than 1 % of the orders fail, then it is saturated', () => {
    expect(saturationReason(step(20, 20, 300, 20, 1000), first)).toMatch(/20 of 1000 orders failed/);
  });

  it('when p99 grows past 4 × the lowest rate’s, then it is saturated', () => {
    expect(saturationReason(step(30, 30, 900), first)).toMatch(/p99 900 ms > 4 × 200 ms/);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_FAULT_SETTINGS, drawFault, type FaultSettings, outageActive } from './fault-settings.js';

const now = new Date('2026-11-21T12:00:00.000Z');
const never = () => {
  throw new Error('random() must not be drawn');
};

function settings(changes: Partial<FaultSettings>): FaultSettings {
  return { ...DEFAULT_FAULT_SETTINGS, ...changes };
}

describe('drawFault', () => {
  it('when no fault is set, then nothing fires and random() is not drawn', () => {
    expect(drawFault(DEFAULT_FAULT_SETTINGS, now, never).fault).toBeNull();
  });

  it('when an outage and failNext are both set, then the outage wins and failNext is not used up', () => {
    const s = settings({ outage: { active: true }, failNext: { count: 1, kind: 'lost' } });
    expect(drawFault(s, now, never)).toEqual({ fault: 'outage', settings: s });
  });

  it('when failNext has a count, then it fires before the rates and counts down to null', () => {
    const first = drawFault(settings({ errorRate: 1, failNext: { count: 2, kind: 'timeout' } }), now, never);
    expect(first.fault).toBe('timeout');
    expect(first.settings.failNext).toEqual({ count: 1, kind: 'timeout' });
    const second = drawFault(first.settings, now, never);
    expect(second.settings.failNext).toBeNull();
  });

  it('when both rates are set, then the error rate is drawn first, the lost rate second', () => {
    const s = settings({ errorRate: 0.5, lostResponseRate: 0.5 });
    const draws = [0.9, 0.1];
    expect(drawFault(s, now, () => draws.shift()!).fault).toBe('lost');
    expect(drawFault(s, now, () => 0.4).fault).toBe('5xx');
  });

  it('when an outage has an end time, then it is active only before it', () => {
    const outage = { until: '2026-11-21T12:00:00.001Z' };
    expect(outageActive(outage, now)).toBe(true);
    expect(outageActive(outage, new Date('2026-11-21T12:00:00.001Z'))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { ReplanSchedule } from './replan.js';

describe('ReplanSchedule', () => {
  it('when asked as time passes, then plans are due first after firstMs, then twice as long after each time, never more than maxMs apart', () => {
    let now = 0;
    const schedule = new ReplanSchedule({ firstMs: 1_000, maxMs: 60_000 }, () => now);
    const dueAt: number[] = [];
    for (now = 0; now <= 200_000; now += 100) if (schedule.due()) dueAt.push(now);
    expect(dueAt).toEqual([1_000, 3_000, 7_000, 15_000, 31_000, 63_000, 123_000, 183_000]);
  });

  it('when asked twice at the same moment, then only the first says due', () => {
    let now = 0;
    const schedule = new ReplanSchedule({}, () => now);
    now = 1_000;
    expect([schedule.due(), schedule.due()]).toEqual([true, false]);
  });
});

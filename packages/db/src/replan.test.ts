import { describe, expect, it } from 'vitest';
import { ReplanSchedule } from './replan.js';

describe('ReplanSchedule', () => {
  it('when asked as time passes, then plans are due first after firstMs, then four times later each time, never more than maxMs apart', () => {
    let now = 0;
    const schedule = new ReplanSchedule({ firstMs: 1_000, maxMs: 60_000 }, () => now);
    const dueAt: number[] = [];
    for (now = 0; now <= 200_000; now += 100) if (schedule.due()) dueAt.push(now);
    expect(dueAt).toEqual([1_000, 5_000, 21_000, 81_000, 141_000, 201_000].filter((t) => t <= 200_000));
  });

  it('when asked twice at the same moment, then only the first says due', () => {
    let now = 0;
    const schedule = new ReplanSchedule({}, () => now);
    now = 1_000;
    expect([schedule.due(), schedule.due()]).toEqual([true, false]);
  });
});

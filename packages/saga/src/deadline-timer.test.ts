import { describe, expect, it } from 'vitest';
import { DeadlineTimer } from './deadline-timer.js';

describe('DeadlineTimer', () => {
  it('when a sweep returns a full batch, then it sweeps again at once; sweeps never overlap', async () => {
    const results = [3, 3, 1, 0, 0, 0];
    let running = 0;
    let overlap = false;
    let calls = 0;
    const timer = new DeadlineTimer(
      async () => {
        calls++;
        running++;
        if (running > 1) overlap = true;
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        return results.shift() ?? 0;
      },
      3,
      () => {},
    );
    timer.start(10);
    await expect.poll(() => calls).toBeGreaterThanOrEqual(4);
    await timer.stop();
    expect(overlap).toBe(false);
  });

  it('when stopped during a sweep, then stop waits for it and no sweep follows', async () => {
    let release: () => void = () => {};
    let calls = 0;
    let finished = false;
    const timer = new DeadlineTimer(
      async () => {
        calls++;
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        finished = true;
        return 0;
      },
      10,
      () => {},
    );
    timer.start(5);
    await expect.poll(() => calls).toBe(1);
    const stopping = timer.stop();
    release();
    await stopping;
    expect(finished).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(calls).toBe(1);
  });

  it('when a sweep throws, then the error is reported and the timer keeps going', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const timer = new DeadlineTimer(
      async () => {
        calls++;
        if (calls === 1) throw new Error('database down');
        return 0;
      },
      10,
      (error) => errors.push(error),
    );
    timer.start(5);
    await expect.poll(() => calls).toBeGreaterThanOrEqual(2);
    await timer.stop();
    expect(errors).toHaveLength(1);
  });
});

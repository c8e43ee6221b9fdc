import { describe, expect, it } from 'vitest';
import { KeyedDispatcher } from './keyed-dispatcher.js';

const tick = (ms = 1) => new Promise((r) => setTimeout(r, ms));

describe('KeyedDispatcher', () => {
  it('when items share a key, then they run one after another in submission order', async () => {
    const dispatcher = new KeyedDispatcher(8, () => {});
    const log: string[] = [];
    for (const [key, n, ms] of [
      ['a', 1, 20],
      ['b', 1, 1],
      ['a', 2, 1],
      ['a', 3, 5],
    ] as const) {
      dispatcher.submit([key], 1, async () => {
        log.push(`start ${key}${n}`);
        await tick(ms);
        log.push(`end ${key}${n}`);
      });
    }
    await dispatcher.drain();
    const a = log.filter((l) => / a\d$/.test(l));
    expect(a).toEqual(['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
    // b did not wait for a.
    expect(log.indexOf('end b1')).toBeLessThan(log.indexOf('end a1'));
  });

  it('when more items than the concurrency are submitted, then no more than that run at once', async () => {
    const dispatcher = new KeyedDispatcher(3, () => {});
    let running = 0;
    let peak = 0;
    for (let i = 0; i < 20; i++) {
      dispatcher.submit([`k${i}`], 1, async () => {
        running++;
        peak = Math.max(peak, running);
        await tick(2);
        running--;
      });
    }
    expect(dispatcher.pending).toBe(20);
    await dispatcher.drain();
    expect(peak).toBe(3);
    expect(dispatcher.pending).toBe(0);
  });

  it('when an item fails, then the error is reported and later items of the key still run', async () => {
    const errors: unknown[] = [];
    const dispatcher = new KeyedDispatcher(2, (e) => errors.push(e));
    let ran = false;
    dispatcher.submit(['k'], 1, async () => {
      throw new Error('boom');
    });
    dispatcher.submit(['k'], 1, async () => {
      ran = true;
    });
    await dispatcher.drain();
    expect(errors).toHaveLength(1);
    expect(ran).toBe(true);
  });
});

import { deferred } from '@ordo/testing';
import { describe, expect, it } from 'vitest';
import { together } from './together.js';

describe('together', () => {
  it('when every part succeeds, then it gives their values in the order the parts were given', async () => {
    const late = deferred<string>();
    const all = together(late.promise, Promise.resolve(2), Promise.resolve(undefined));
    late.resolve('one');
    expect(await all).toEqual(['one', 2, undefined]);
  });

  it('when a part fails, then it fails only once every other part has settled, with the failure that came first', async () => {
    const running = deferred<number>();
    const failsFirst = deferred<number>();
    const failsLater = deferred<number>();
    let settled = false;
    const all = together(running.promise, failsLater.promise, failsFirst.promise).finally(() => {
      settled = true;
    });
    failsFirst.reject(new Error('first'));
    failsLater.reject(new Error('aborted because of the first'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    running.resolve(1);
    await expect(all).rejects.toThrow('first');
  });
});

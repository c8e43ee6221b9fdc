import { describe, expect, it } from 'vitest';
import { together } from './together.js';

/** A promise with its settling functions, to decide from the test when each part ends. */
function part<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('together', () => {
  it('when every part succeeds, then it gives their values in the order the parts were given', async () => {
    const late = part<string>();
    const all = together(late.promise, Promise.resolve(2), Promise.resolve(undefined));
    late.resolve('one');
    expect(await all).toEqual(['one', 2, undefined]);
  });

  it('when a part fails, then it fails only once every other part has settled, with the failure that came first', async () => {
    const running = part<number>();
    const failsFirst = part<number>();
    const failsLater = part<number>();
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

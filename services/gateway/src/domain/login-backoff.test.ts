import { describe, expect, it } from 'vitest';
import { backoffPolicies, DEFAULT_BACKOFF, delayAfter } from './login-backoff.js';

describe('login backoff rule', () => {
  it('when failures pile up, then nothing for the first 4, then 1, 2, 4 … s up to the cap', () => {
    const delays = Array.from({ length: 20 }, (_, i) => delayAfter(i + 1, DEFAULT_BACKOFF.ip));
    expect(delays.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(delays.slice(4, 10)).toEqual([1, 2, 4, 8, 16, 32]);
    expect(Math.max(...delays)).toBe(900);
    expect(delayAfter(5000, DEFAULT_BACKOFF.account)).toBe(60);
  });

  it('when settings are partial or nonsensical, then defaults fill in and nonsense is refused', () => {
    expect(backoffPolicies({ account: { maxDelaySeconds: 30 } }).account).toEqual({
      freeFailures: 5,
      maxDelaySeconds: 30,
      forgetAfterSeconds: 3600,
    });
    expect(() => backoffPolicies({ ip: { freeFailures: -1 } })).toThrow(/whole number/);
    expect(() => backoffPolicies({ ip: { maxDelaySeconds: 7200, forgetAfterSeconds: 3600 } })).toThrow(/forgetAfter/);
  });
});

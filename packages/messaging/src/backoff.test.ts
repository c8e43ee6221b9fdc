import { describe, expect, it } from 'vitest';
import { fullJitterDelay } from './backoff.js';

describe('fullJitterDelay', () => {
  const options = { baseMs: 100, maxMs: 1_000 };

  it('when the attempt grows, then the ceiling doubles until the maximum', () => {
    const top = () => 0.999999;
    expect(fullJitterDelay(1, options, top)).toBe(99);
    expect(fullJitterDelay(2, options, top)).toBe(199);
    expect(fullJitterDelay(4, options, top)).toBe(799);
    expect(fullJitterDelay(5, options, top)).toBe(999);
    expect(fullJitterDelay(50, options, top)).toBe(999);
  });

  it('when the random draw is low, then the delay can be zero (full jitter)', () => {
    expect(fullJitterDelay(6, options, () => 0)).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { percentile, summarize } from './percentiles.js';

describe('percentile', () => {
  it('when asked for p50 and p99 of 1..100, then it returns the nearest-rank values', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
  });

  it('when the sample is unsorted, then summarize sorts it first', () => {
    expect(summarize([5, 1, 3])).toEqual({ p50: 3, p99: 5, max: 5, count: 3 });
  });
});

import { describe, expect, it } from 'vitest';
import { jitteredTtl, TTL_JITTER } from './ttl.js';

describe('jitteredTtl', () => {
  it('when the random source is at its extremes, then the TTL stays within [base, base + 0.2·base)', () => {
    expect(jitteredTtl(60_000, () => 0)).toBe(60_000);
    const top = jitteredTtl(60_000, () => 0.999_999_9);
    expect(top).toBeLessThan(60_000 * (1 + TTL_JITTER));
    expect(top).toBeGreaterThanOrEqual(71_999);
  });

  it('when many TTLs are drawn, then every one is within bounds and they spread over the window', () => {
    const base = 10_000;
    const ttls = Array.from({ length: 10_000 }, () => jitteredTtl(base));
    for (const ttl of ttls) {
      expect(ttl).toBeGreaterThanOrEqual(base);
      expect(ttl).toBeLessThan(base * (1 + TTL_JITTER));
      expect(Number.isInteger(ttl)).toBe(true);
    }
    // Keys filled at one instant must not expire at one instant.
    expect(new Set(ttls).size).toBeGreaterThan(1_000);
    expect(Math.min(...ttls)).toBeLessThan(base + 200);
    expect(Math.max(...ttls)).toBeGreaterThan(base * (1 + TTL_JITTER) - 200);
  });
});

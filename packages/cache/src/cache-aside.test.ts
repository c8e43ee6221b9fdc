// The cache-aside on its own: a fake clock, a counting source, no second level unless a test
// gives one (the Redis paths are in redis.second-level.test.ts).
import { describe, expect, it } from 'vitest';
import { CacheAside, type CacheAsideOptions } from './cache-aside.js';
import { MemorySecondLevel } from './memory.second-level.js';
import type { SecondLevel } from './shared-cache.port.js';

interface Menu {
  readonly id: string;
  readonly version: number;
}

/** A source whose answers the test sets, counting loads; `hold()` keeps loads pending until released. */
function source() {
  const versions = new Map<string, number>();
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  let failing: Error | undefined;
  const s = {
    loads: 0,
    set(id: string, version: number | undefined) {
      if (version === undefined) versions.delete(id);
      else versions.set(id, version);
    },
    hold() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release() {
      open?.();
      gate = undefined;
    },
    fail(error: Error | undefined) {
      failing = error;
    },
    load: async (id: string): Promise<Menu | undefined> => {
      s.loads++;
      const version = versions.get(id);
      await gate;
      if (failing) throw failing;
      return version === undefined ? undefined : { id, version };
    },
  };
  return s;
}

function setup(overrides: Partial<CacheAsideOptions<Menu>> = {}) {
  const clock = { now: 1_000_000 };
  const src = source();
  const errors: unknown[] = [];
  const cache = new CacheAside<Menu>({
    name: 'menu',
    load: src.load,
    ttlMs: 10_000,
    staleMs: 5_000,
    negativeTtlMs: 1_000,
    maxEntries: 1_000,
    now: () => clock.now,
    random: () => 0,
    onError: (error) => errors.push(error),
    ...overrides,
  });
  return { clock, src, cache, errors };
}

describe('CacheAside', () => {
  it('when 500 reads of a cold key arrive together, then the source is loaded once and all get its value', async () => {
    const { src, cache } = setup();
    src.set('r-1', 1);
    src.hold();
    const reads = Array.from({ length: 500 }, () => cache.get('r-1'));
    await expect.poll(() => src.loads).toBe(1);
    src.release();
    const values = await Promise.all(reads);
    expect(values.every((v) => v?.version === 1)).toBe(true);
    expect(src.loads).toBe(1);
    expect(cache.stats).toMatchObject({ misses: 500, loads: 1, hits: 0 });
    expect(await cache.get('r-1')).toEqual({ id: 'r-1', version: 1 });
    expect(cache.stats.hits).toBe(1);
  });

  it('when the TTL is jittered, then the entry is fresh until base + jitter and not a millisecond longer', async () => {
    const { clock, src, cache } = setup({ random: () => 0.5, staleMs: 0 });
    src.set('r-1', 1);
    await cache.get('r-1');
    clock.now += 10_000 + 1_000 - 1; // base 10 s, jitter 0.5 · 0.2 · 10 s = 1 s
    await cache.get('r-1');
    expect(src.loads).toBe(1);
    clock.now += 1;
    await cache.get('r-1');
    expect(src.loads).toBe(2);
  });

  it('when an entry is stale, then reads get the stale value at once while exactly one refresh runs, and the refreshed value after', async () => {
    const { clock, src, cache } = setup();
    src.set('r-1', 1);
    await cache.get('r-1');
    clock.now += 12_000; // past fresh (10 s), within stale (+5 s)
    src.set('r-1', 2);
    src.hold();
    const during = await Promise.all(Array.from({ length: 100 }, () => cache.get('r-1')));
    expect(during.every((v) => v?.version === 1)).toBe(true);
    await expect.poll(() => src.loads).toBe(2);
    expect(cache.stats.staleServed).toBe(100);
    src.release();
    await expect.poll(() => cache.get('r-1')).toEqual({ id: 'r-1', version: 2 });
    expect(src.loads).toBe(2);
  });

  it('when an entry is past its stale window, then reads wait for one load instead of getting the old value', async () => {
    const { clock, src, cache } = setup();
    src.set('r-1', 1);
    await cache.get('r-1');
    clock.now += 15_000;
    src.set('r-1', 2);
    const values = await Promise.all(Array.from({ length: 50 }, () => cache.get('r-1')));
    expect(values.every((v) => v?.version === 2)).toBe(true);
    expect(src.loads).toBe(2);
    expect(cache.stats.staleServed).toBe(0);
  });

  it('when a key is unknown to the source, then "unknown" is cached for the short negative TTL only', async () => {
    const { clock, src, cache } = setup();
    expect(await cache.get('r-nowhere')).toBeUndefined();
    expect(await cache.get('r-nowhere')).toBeUndefined();
    expect(src.loads).toBe(1);
    src.set('r-nowhere', 1);
    clock.now += 999;
    expect(await cache.get('r-nowhere')).toBeUndefined();
    clock.now += 1; // negative TTL 1 s; no stale window for unknown keys
    expect(await cache.get('r-nowhere')).toEqual({ id: 'r-nowhere', version: 1 });
    expect(src.loads).toBe(2);
  });

  it('when 100k distinct keys are read, then the LRU never holds more than maxEntries', async () => {
    const { src, cache } = setup({ maxEntries: 1_000 });
    for (let i = 0; i < 100_000; i++) {
      await cache.get(`r-${i}`);
      if (i % 10_000 === 0) expect(cache.size).toBeLessThanOrEqual(1_000);
    }
    expect(cache.size).toBe(1_000);
    expect(src.loads).toBe(100_000);
    // The most recent are still there; the first are long gone.
    await cache.get('r-99999');
    await cache.get('r-0');
    expect(src.loads).toBe(100_001);
  });

  it('when a size bound is given, then the sum of sizes stays under it', async () => {
    const { src, cache } = setup({ maxEntries: 1_000, maxSize: 100, sizeOf: (menu) => menu.version });
    for (let i = 0; i < 100; i++) src.set(`r-${i}`, 10);
    for (let i = 0; i < 100; i++) await cache.get(`r-${i}`);
    expect(cache.size).toBe(10);
  });

  it('when a key is invalidated, then the next read loads the new value', async () => {
    const { src, cache } = setup();
    src.set('r-1', 1);
    await cache.get('r-1');
    src.set('r-1', 2);
    await cache.invalidate('r-1');
    expect(await cache.get('r-1')).toEqual({ id: 'r-1', version: 2 });
    expect(src.loads).toBe(2);
    expect(cache.stats.invalidations).toBe(1);
  });

  it('when a key is invalidated while it loads, then the old result is kept nowhere and later reads load again', async () => {
    const level = new MemorySecondLevel();
    const { src, cache } = setup({ secondLevel: level.connect() });
    src.set('r-1', 1);
    src.hold();
    const early = cache.get('r-1');
    await expect.poll(() => src.loads).toBe(1);
    await cache.invalidate('r-1');
    src.set('r-1', 2);
    const late = cache.get('r-1');
    src.release();
    expect(await early).toEqual({ id: 'r-1', version: 1 });
    expect(await late).toEqual({ id: 'r-1', version: 2 });
    expect(await cache.get('r-1')).toEqual({ id: 'r-1', version: 2 });
    // The second level holds the new value, not the one loaded before the invalidation.
    const { cache: other } = setup({ secondLevel: level.connect() });
    expect(await other.get('r-1')).toEqual({ id: 'r-1', version: 2 });
    expect(other.stats.sharedHits).toBe(1);
  });

  it('when the source fails, then every waiting read fails, nothing is cached, and the next read loads again', async () => {
    const { src, cache } = setup();
    src.set('r-1', 1);
    src.fail(new Error('db down'));
    const reads = await Promise.allSettled(Array.from({ length: 10 }, () => cache.get('r-1')));
    expect(reads.every((r) => r.status === 'rejected')).toBe(true);
    expect(src.loads).toBe(1);
    src.fail(undefined);
    expect(await cache.get('r-1')).toEqual({ id: 'r-1', version: 1 });
    expect(cache.stats.loadErrors).toBe(1);
  });

  it('when a background refresh fails, then the stale value is still served and the failure is reported', async () => {
    const { clock, src, cache, errors } = setup();
    src.set('r-1', 1);
    await cache.get('r-1');
    clock.now += 11_000;
    src.fail(new Error('db down'));
    expect(await cache.get('r-1')).toEqual({ id: 'r-1', version: 1 });
    await expect.poll(() => errors).toHaveLength(1);
    expect(await cache.get('r-1')).toEqual({ id: 'r-1', version: 1 });
  });

  it('when another instance filled the shared level, then this one answers from it without loading', async () => {
    const level = new MemorySecondLevel();
    const first = setup({ secondLevel: level.connect() });
    const second = setup({ secondLevel: level.connect() });
    first.src.set('r-1', 1);
    await first.cache.get('r-1');
    expect(await second.cache.get('r-1')).toEqual({ id: 'r-1', version: 1 });
    expect(second.src.loads).toBe(0);
  });

  it('when another process holds the load of a key and never fills it, then this one loads it itself once the lease runs out', async () => {
    const level = new MemorySecondLevel();
    const { src, cache } = setup({ secondLevel: level.connect(), leaseMs: 100, pollMs: 10 });
    src.set('r-1', 1);
    const stuck = await level.connect().shared.lease?.('menu:r-1', 100);
    expect(stuck).toBeDefined();
    const values = await Promise.all(Array.from({ length: 20 }, () => cache.get('r-1')));
    expect(values.every((v) => v?.version === 1)).toBe(true);
    expect(src.loads).toBe(1);
  });

  it('when another instance invalidates a key, then this one drops its copy', async () => {
    const level = new MemorySecondLevel();
    const first = setup({ secondLevel: level.connect() });
    const second = setup({ secondLevel: level.connect() });
    await second.cache.start();
    second.src.set('r-1', 1);
    await second.cache.get('r-1');
    second.src.set('r-1', 2);
    await first.cache.invalidate('r-1');
    expect(await second.cache.get('r-1')).toEqual({ id: 'r-1', version: 2 });
    await second.cache.stop();
  });

  it('when the shared level fails, then reads still come from the source and the failure is reported', async () => {
    const broken: SecondLevel = {
      shared: {
        read: () => Promise.reject(new Error('redis down')),
        write: () => Promise.reject(new Error('redis down')),
        invalidate: () => Promise.reject(new Error('redis down')),
        lease: () => Promise.reject(new Error('redis down')),
      },
      invalidations: {
        publish: () => Promise.reject(new Error('redis down')),
        subscribe: async () => async () => {},
      },
    };
    const { src, cache, errors } = setup({ secondLevel: broken });
    src.set('r-1', 1);
    expect(await cache.get('r-1')).toEqual({ id: 'r-1', version: 1 });
    await cache.invalidate('r-1');
    expect(errors.length).toBeGreaterThanOrEqual(3);
  });
});

// The Redis second level against the real server at 127.0.0.1:6379 (REDIS_URL overrides), each
// test under a key prefix of its own, deleted afterwards.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CacheAside } from './cache-aside.js';
import { redisSecondLevel } from './redis.second-level.js';
import { secondLevelConformance } from './second-level.conformance.js';
import type { Invalidation } from './shared-cache.port.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Two connections (two processes' worth) on a fresh prefix; `close` deletes the prefix's keys. */
async function openPair() {
  const prefix = `ordo:test:cache:${randomUUID()}:`;
  const redisA = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const redisB = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const errors: unknown[] = [];
  const onError = (error: Error) => errors.push(error);
  return {
    prefix,
    redisA,
    errors,
    a: redisSecondLevel({ redis: redisA, prefix, onError }),
    b: redisSecondLevel({ redis: redisB, prefix, onError }),
    async close() {
      const keys = await redisA.keys(`${prefix}*`);
      if (keys.length > 0) await redisA.del(...keys);
      await Promise.all([redisA.quit(), redisB.quit()]);
    },
  };
}

secondLevelConformance('Redis', { open: openPair });

describe('Redis second level', () => {
  let pair: Awaited<ReturnType<typeof openPair>>;
  beforeEach(async () => {
    pair = await openPair();
  });
  afterEach(() => pair.close());

  it('when the subscriber connection is dropped and comes back, then the listener is told to drop everything', async () => {
    const heard: Invalidation[] = [];
    const stop = await pair.b.invalidations.subscribe((m) => heard.push(m));
    const clients = (await pair.redisA.client('LIST')) as string;
    const subscriber = clients.split('\n').find((line) => line.includes(`name=${pair.prefix}invalidations`));
    const id = /\bid=(\d+)/.exec(subscriber ?? '')?.[1];
    expect(id).toBeDefined();
    await pair.redisA.client('KILL', 'ID', id as string);
    await expect.poll(() => heard, { timeout: 10_000 }).toContainEqual({ kind: 'everything' });
    // Subscribed again: later invalidations arrive.
    await expect
      .poll(
        async () => {
          await pair.a.invalidations.publish(['k-after']);
          return heard.some((m) => m.kind === 'keys' && m.keys.includes('k-after'));
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    await stop();
  });

  it('when two instances miss the same key at once, then the lease lets exactly one of them load it', async () => {
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const load = async (key: string) => {
      loads++;
      await gate;
      return { key, n: loads };
    };
    const one = new CacheAside({ name: 'menu', load, ttlMs: 60_000, maxEntries: 100, secondLevel: pair.a });
    const two = new CacheAside({ name: 'menu', load, ttlMs: 60_000, maxEntries: 100, secondLevel: pair.b });
    const reads = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? one : two).get('r-1'));
    await expect.poll(() => loads).toBe(1);
    release();
    const values = await Promise.all(reads);
    expect(loads).toBe(1);
    expect(new Set(values.map((v) => JSON.stringify(v)))).toEqual(new Set([JSON.stringify({ key: 'r-1', n: 1 })]));
    expect(one.stats.loads + two.stats.loads).toBe(1);
    expect(one.stats.sharedHits + two.stats.sharedHits).toBe(1);
  });

  it('when one instance invalidates a key, then the other drops its local copy and reads the new value', async () => {
    let version = 1;
    const load = async () => ({ version });
    const one = new CacheAside({ name: 'menu', load, ttlMs: 60_000, maxEntries: 100, secondLevel: pair.a });
    const two = new CacheAside({ name: 'menu', load, ttlMs: 60_000, maxEntries: 100, secondLevel: pair.b });
    await Promise.all([one.start(), two.start()]);
    try {
      expect(await one.get('r-2')).toEqual({ version: 1 });
      expect(await two.get('r-2')).toEqual({ version: 1 });
      version = 2;
      await one.invalidate('r-2');
      expect(await one.get('r-2')).toEqual({ version: 2 });
      await expect.poll(() => two.get('r-2')).toEqual({ version: 2 });
      expect(two.stats.invalidations).toBe(1);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  });
});

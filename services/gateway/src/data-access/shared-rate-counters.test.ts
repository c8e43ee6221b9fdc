// The shared rate-limit counters on a real Redis: exact on every request, batched otherwise, and
// what a batch that cannot reach Redis leaves behind.
import { randomUUID } from 'node:crypto';
import { createServer, type Socket, connect as tcpConnect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { deleteKeysUnder, startRedisServer } from '@ordo/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { type SharedCounting, SharedRateCounters } from './shared-rate-counters.js';

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  const failures: unknown[] = [];
  for (const close of closers.splice(0).reverse()) await close().catch((error: unknown) => failures.push(error));
  if (failures.length > 0) throw failures[0];
});

async function connect(url = 'redis://127.0.0.1:6379'): Promise<Redis> {
  // As `ordo serve gateway` connects: commands fail at once while Redis is away, never queue.
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1_000 });
  redis.on('error', () => undefined);
  closers.push(async () => redis.disconnect());
  await expect.poll(() => redis.status).toBe('ready');
  return redis;
}

interface Counters {
  readonly counters: SharedRateCounters;
  readonly syncErrors: Array<{ className: string; hits: number }>;
  hit(key: string, windowMs?: number): Promise<{ current: number; ttl: number }>;
}

function counters(
  redis: Redis,
  keyPrefix: string,
  counting: SharedCounting,
  options: { maxLocalKeys?: number } = {},
): Counters {
  const syncErrors: Array<{ className: string; hits: number }> = [];
  const shared = new SharedRateCounters({
    redis,
    keyPrefix,
    syncIntervalMs: 20,
    ...options,
    onSyncError: (_error, className, hits) => syncErrors.push({ className, hits }),
  });
  closers.push(() => shared.close());
  const Store = shared.store();
  const store = new Store({}).child({ counting, className: 'read' } as never);
  return {
    counters: shared,
    syncErrors,
    hit: (key, windowMs = 3_600_000) =>
      new Promise((resolve, reject) =>
        (
          store.incr as (
            k: string,
            cb: (e: Error | null, r?: { current: number; ttl: number }) => void,
            w: number,
          ) => void
        )(key, (error, result) => (error || !result ? reject(error) : resolve(result)), windowMs),
      ),
  };
}

/** A key prefix of the test's own, its keys removed afterwards. */
function prefix(redis: Redis): string {
  const keyPrefix = `ordo:test-${randomUUID()}:ratelimit:`;
  closers.push(() => deleteKeysUnder(redis, keyPrefix));
  return keyPrefix;
}

describe('shared rate counters', () => {
  it('when a class counts on every request, then each hit is in Redis before it is answered', async () => {
    const redis = await connect();
    const keyPrefix = prefix(redis);
    const a = counters(redis, keyPrefix, 'every-request');
    const b = counters(await connect(), keyPrefix, 'every-request');
    expect((await a.hit('k')).current).toBe(1);
    expect((await b.hit('k')).current).toBe(2);
    expect(await redis.get(`${keyPrefix}k`)).toBe('2');
    expect(await redis.pttl(`${keyPrefix}k`)).toBeGreaterThan(0);
  });

  it('when a class counts in batches, then hits are answered from the local count and reach Redis in one batch', async () => {
    const redis = await connect();
    const keyPrefix = prefix(redis);
    const a = counters(redis, keyPrefix, 'batched');
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await a.hit('k')).current);
    expect(answers).toEqual([1, 2, 3, 4, 5]);
    await expect.poll(() => redis.get(`${keyPrefix}k`)).toBe('5');
    const ttl = await redis.pttl(`${keyPrefix}k`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
  });

  it("when two instances count one key in batches, then each learns the other's count at its next batch", async () => {
    const redis = await connect();
    const keyPrefix = prefix(redis);
    const a = counters(redis, keyPrefix, 'batched');
    const b = counters(await connect(), keyPrefix, 'batched');
    for (let i = 0; i < 30; i++) await a.hit('k');
    await expect.poll(() => redis.get(`${keyPrefix}k`)).toBe('30');
    // B has not heard of A's hits until its own first batch is answered.
    expect((await b.hit('k')).current).toBe(1);
    await expect.poll(async () => (await b.hit('k')).current).toBeGreaterThan(31);
    // And A hears of B's.
    await expect.poll(async () => (await a.hit('k')).current).toBeGreaterThan(33);
  });

  it('when a window ends, then counting starts again from one', async () => {
    const redis = await connect();
    const keyPrefix = prefix(redis);
    const a = counters(redis, keyPrefix, 'batched');
    expect((await a.hit('short', 300)).current).toBe(1);
    expect((await a.hit('short', 300)).current).toBe(2);
    await expect.poll(async () => (await a.hit('short', 300)).current).toBe(1);
  });

  it('when more keys than the local limit are counted, then the next new key counts in Redis at once', async () => {
    const redis = await connect();
    const keyPrefix = prefix(redis);
    const a = counters(redis, keyPrefix, 'batched', { maxLocalKeys: 2 });
    await a.hit('one');
    await a.hit('two');
    await a.hit('three');
    // Answered only after Redis counted it; the first two may still be on their way.
    expect(await redis.get(`${keyPrefix}three`)).toBe('1');
  });

  it('when Redis is away, then batched hits keep counting in the instance and the failed batch is reported', async () => {
    const server = await startRedisServer();
    closers.push(() => server.stop());
    const redis = await connect(server.url);
    const a = counters(redis, `ordo:test-${randomUUID()}:ratelimit:`, 'batched');
    expect((await a.hit('k')).current).toBe(1);
    await server.pause();
    expect((await a.hit('k')).current).toBe(2);
    expect((await a.hit('k')).current).toBe(3);
    await expect.poll(() => a.syncErrors.reduce((sum, e) => sum + e.hits, 0), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(a.syncErrors.every((e) => e.className === 'read')).toBe(true);
    // What did not reach Redis still counts here.
    expect((await a.hit('k')).current).toBe(4);
  });

  it('when Redis is slow to answer a batch, then no second batch starts meanwhile and every count is kept', async () => {
    // Between the counters and the real Redis: a hop that can hold what the counters send.
    const held: Array<{ upstream: Socket; data: Buffer }> = [];
    let holding = false;
    const hop = createServer((client) => {
      const upstream = tcpConnect(6379, '127.0.0.1');
      upstream.pipe(client);
      client.on('data', (data) => (holding ? held.push({ upstream, data }) : upstream.write(data)));
      client.on('close', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => hop.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => hop.close(resolve)));
    const { port } = hop.address() as { port: number };
    const direct = await connect();
    const keyPrefix = prefix(direct);
    const a = counters(await connect(`redis://127.0.0.1:${port}`), keyPrefix, 'batched');
    expect((await a.hit('k')).current).toBe(1);
    await expect.poll(() => direct.get(`${keyPrefix}k`)).toBe('1');

    holding = true;
    expect((await a.hit('k')).current).toBe(2);
    await expect.poll(() => held.length).toBe(1);
    // Several sync intervals (20 ms) pass while that batch waits: counts stay exact, nothing more is sent.
    for (let count = 3; count <= 6; count++) {
      await delay(50);
      expect((await a.hit('k')).current).toBe(count);
    }
    expect(held.length).toBe(1);

    holding = false;
    for (const { upstream, data } of held.splice(0)) upstream.write(data);
    await expect.poll(() => direct.get(`${keyPrefix}k`)).toBe('6');
    expect((await a.hit('k')).current).toBe(7);
  });
});

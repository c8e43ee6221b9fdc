// The conformance suite on the real Redis (127.0.0.1:6379, or ORDO_TEST_REDIS_URL), one key
// prefix per test, deleted afterwards.
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { RedisReadStore } from '../src/index.js';
import { defineReadStoreConformance, uniquePrefix } from './read-store.conformance.js';

const url = process.env.ORDO_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
let redis: Redis;
beforeAll(() => {
  redis = new Redis(url, { lazyConnect: false });
});
afterAll(async () => {
  await redis.quit();
});

async function deleteKeys(prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

defineReadStoreConformance('redis', async () => {
  const prefix = uniquePrefix();
  return { store: new RedisReadStore({ redis, prefix }), cleanup: () => deleteKeys(prefix) };
});

defineReadStoreConformance('redis, with its view cache', async () => {
  const prefix = uniquePrefix();
  const subscriber = new Redis(url);
  const store = new RedisReadStore({ redis, prefix, cache: { subscriber } });
  return {
    store,
    cleanup: async () => {
      subscriber.disconnect();
      await deleteKeys(prefix);
    },
  };
});

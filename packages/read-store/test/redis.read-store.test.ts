// The conformance suite on the real Redis (127.0.0.1:6379, or ORDO_TEST_REDIS_URL), one key
// prefix per test, deleted afterwards.
import { deleteKeysUnder } from '@ordo/testing';
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

const deleteKeys = (prefix: string) => deleteKeysUnder(redis, `${prefix}:`);

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

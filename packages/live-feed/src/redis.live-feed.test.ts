// The Redis adapter against the real Redis (127.0.0.1:6379), each test under a prefix of its own.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { defineLiveFeedConformance } from './live-feed.conformance.js';
import { RedisLiveFeed } from './redis.live-feed.js';

const REDIS_URL = process.env.ORDO_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

defineLiveFeedConformance({
  name: 'redis',
  shared: true,
  async setup() {
    const prefix = `ordo-test:feed:${randomUUID()}:`;
    const connections: Redis[] = [];
    const connect = () => {
      const redis = new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 });
      connections.push(redis);
      return redis;
    };
    return {
      async open(bounds) {
        return new RedisLiveFeed({ ...bounds, redis: connect(), subscriber: connect(), prefix });
      },
      async cleanup() {
        const admin = connect();
        const keys = await admin.keys(`${prefix}*`);
        if (keys.length > 0) await admin.del(...keys);
        for (const redis of connections) redis.disconnect();
      },
    };
  },
});

// Removes what a test wrote to a shared Redis: every key under its prefix, found with SCAN (never
// KEYS, which blocks the server for everyone else) and removed with UNLINK.

/** The two commands used, as ioredis has them (no dependency on the client here). */
export interface ScanningRedis {
  scan(cursor: string, match: 'MATCH', pattern: string, count: 'COUNT', n: number): Promise<[string, string[]]>;
  unlink(...keys: string[]): Promise<number>;
}

/** Deletes every key starting with `prefix`. */
export async function deleteKeysUnder(redis: ScanningRedis, prefix: string): Promise<void> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

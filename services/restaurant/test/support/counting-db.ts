// A Db that counts the statements matching a pattern, to count loads from the source itself
// rather than trust the cache's own counters.
import type { Db } from '@ordo/db';

export interface CountingDb {
  readonly db: Db;
  count(): number;
}

export function countingDb(db: Db, pattern: RegExp): CountingDb {
  let count = 0;
  const counted = new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'query') {
        return (text: string, ...rest: unknown[]) => {
          if (pattern.test(text)) count++;
          return (target.query as (...args: unknown[]) => unknown)(text, ...rest);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db: counted, count: () => count };
}

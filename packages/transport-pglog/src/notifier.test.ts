// The notifier's fan-out, with the notifications in the test's hands: a notification naming the
// groups an append handed its messages to wakes every other group's waiters and not theirs.
import type { Db } from '@ordo/db';
import { describe, expect, it } from 'vitest';
import { createTopicNotifier, parseNotification } from './notifier.js';

/** A Db whose only use is LISTEN; `send` delivers a payload as Postgres would after a commit. */
function listening(): { db: Db; send(payload: string): void } {
  let deliver: ((payload: string) => void) | undefined;
  const db = {
    listen: async (_channel: string, onNotify: (payload: string) => void) => {
      deliver = onNotify;
      return async () => {
        deliver = undefined;
      };
    },
  } as unknown as Db;
  return { db, send: (payload) => deliver?.(payload) };
}

describe('pglog topic notifier', () => {
  it('when a payload is a topic or names covered groups, then it is read as such; anything else is a topic', () => {
    expect(parseNotification('orders.events')).toEqual({ topic: 'orders.events', covered: [] });
    expect(parseNotification('{"topic": "orders.events", "covered": ["query", "audit"]}')).toEqual({
      topic: 'orders.events',
      covered: ['query', 'audit'],
    });
    expect(parseNotification('{"topic": broken')).toEqual({ topic: '{"topic": broken', covered: [] });
  });

  it('when a notification names a group as covered, then that group neither sees a new version nor wakes; the others do', async () => {
    const { db, send } = listening();
    const notifier = await createTopicNotifier(db);
    const never = new AbortController().signal;
    let coveredWoke = false;
    const covered = notifier.wait('t', 'covered', 0, 60_000, never).then(() => {
      coveredWoke = true;
    });
    const other = notifier.wait('t', 'other', 0, 60_000, never);

    send('{"topic": "t", "covered": ["covered"]}');
    await other;
    expect(notifier.version('t', 'other')).toBe(1);
    expect(notifier.version('t', 'covered')).toBe(0);
    expect(coveredWoke).toBe(false);

    // A plain notification for the topic concerns every group.
    send('t');
    await covered;
    expect(notifier.version('t', 'covered')).toBe(1);
    expect(notifier.version('t', 'other')).toBe(2);
    await notifier.close();
  });
});

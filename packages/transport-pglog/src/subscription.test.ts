// The fetch loop's decisions, with the clock and the notifications in the test's hands: the
// database is a stand-in that only counts lease statements and finds nothing.
import type { Db } from '@ordo/db';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TopicNotifier } from './notifier.js';
import { createSubscription } from './subscription.js';
import { logTables } from './tables.js';

/** A database with nothing to lease: every claim statement finds nothing. */
function emptyLog(): { db: Db; readonly claims: number } {
  let claims = 0;
  const db = {
    query: async () => {
      claims++;
      return { rows: [], rowCount: 0 };
    },
  } as unknown as Db;
  return {
    db,
    get claims() {
      return claims;
    },
  };
}

/** A notifier that never notifies; each wait moves the wall clock by `elapsed(ms)` and ends. */
function silentNotifier(clock: { now: number }, elapsed: (ms: number) => number): TopicNotifier {
  return {
    version: () => 0,
    wait: async (_topic, _group, _seen, ms) => {
      clock.now += elapsed(ms);
    },
    notifyAfter: () => {},
    close: async () => {},
  };
}

describe('pglog subscription fetch loop', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('when a wait bounded by the deadline ends a millisecond early by the wall clock, then the fetch ends without looking again', async () => {
    const clock = { now: 1_000_000 };
    vi.spyOn(Date, 'now').mockImplementation(() => clock.now);
    const log = emptyLog();
    // Node fires a timer by a monotonic clock: Date.now() may say 199 ms after a 200 ms timeout.
    const notifier = silentNotifier(clock, (ms) => (ms > 1 ? ms - 1 : ms));
    const subscription = createSubscription(
      { db: log.db, tables: logTables('ordo_log'), notifier, pollIntervalMs: 60_000, onClose: () => {} },
      { topic: 't', group: 'g', ackWaitMs: 30_000 },
    );
    expect(await subscription.fetch(10, 200)).toEqual([]);
    expect(log.claims).toBe(1);
  });

  it('when the poll interval is shorter than the wait, then a wait without a notification is followed by a look', async () => {
    const clock = { now: 1_000_000 };
    vi.spyOn(Date, 'now').mockImplementation(() => clock.now);
    const log = emptyLog();
    const notifier = silentNotifier(clock, (ms) => ms);
    const subscription = createSubscription(
      { db: log.db, tables: logTables('ordo_log'), notifier, pollIntervalMs: 100, onClose: () => {} },
      { topic: 't', group: 'g', ackWaitMs: 30_000 },
    );
    // Looks at 0, at the 100 ms fallback poll, and not at the 250 ms deadline.
    expect(await subscription.fetch(10, 250)).toEqual([]);
    expect(log.claims).toBe(3);
  });
});

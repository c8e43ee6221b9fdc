// Wake-ups for waiting fetches: one LISTEN per transport, fanned out to waiters by topic and group.
import type { Db, Unlisten } from '@ordo/db';
import { LOG_CHANNEL } from './tables.js';

export interface TopicNotifier {
  /**
   * A counter bumped by every notification for `topic` that concerns `group`. Read it before a
   * fetch attempt and pass it to `wait`: a notification that arrived while the attempt ran then
   * ends the wait at once, instead of being lost between "found nothing" and "start waiting".
   */
  version(topic: string, group: string): number;
  /** Resolves on a notification for `topic` and `group` newer than `seen`, after `ms`, or when `signal` aborts. */
  wait(topic: string, group: string, seen: number, ms: number, signal: AbortSignal): Promise<void>;
  /**
   * Acts as a notification for `topic` (every group) after `ms`: a redelivery this process
   * scheduled (a nak with a delay) comes due without a NOTIFY, and its fetchers need not poll to find it.
   */
  notifyAfter(topic: string, ms: number): void;
  close(): Promise<void>;
}

/**
 * What a notification says: new messages on `topic`, of which the groups in `covered` need not
 * look (the appending transaction handed them to a member already, see handoff.ts).
 */
export interface LogNotification {
  readonly topic: string;
  readonly covered: readonly string[];
}

/**
 * The payload is the topic, or `{"topic": …, "covered": […]}` when an append handed its messages
 * to some groups itself. A topic name never starts with `{"topic"`, so the two cannot be confused.
 */
export function parseNotification(payload: string): LogNotification {
  if (payload.startsWith('{"topic"')) {
    try {
      const parsed = JSON.parse(payload) as { topic?: unknown; covered?: unknown };
      if (typeof parsed.topic === 'string') {
        const covered = Array.isArray(parsed.covered) ? parsed.covered.filter((g) => typeof g === 'string') : [];
        return { topic: parsed.topic, covered };
      }
    } catch {
      // Not ours after all: taken as a topic name, which only wakes fetchers that then look.
    }
  }
  return { topic: payload, covered: [] };
}

interface Waiter {
  readonly group: string;
  readonly wake: () => void;
}

export async function createTopicNotifier(db: Db): Promise<TopicNotifier> {
  // Per topic ever notified in this database, and per group of it named as covered: bounded by
  // the number of topics and groups. A group's version is the topic's minus what covered it.
  const versions = new Map<string, number>();
  const coveredCounts = new Map<string, number>();
  const waiters = new Map<string, Set<Waiter>>();
  const timers = new Set<NodeJS.Timeout>();
  const groupKey = (topic: string, group: string): string => `${topic}\u0000${group}`;

  const notify = ({ topic, covered }: LogNotification): void => {
    versions.set(topic, (versions.get(topic) ?? 0) + 1);
    for (const group of covered) {
      const key = groupKey(topic, group);
      coveredCounts.set(key, (coveredCounts.get(key) ?? 0) + 1);
    }
    for (const waiter of waiters.get(topic) ?? []) {
      if (!covered.includes(waiter.group)) waiter.wake();
    }
  };
  const unlisten: Unlisten = await db.listen(LOG_CHANNEL, (payload) => notify(parseNotification(payload)));

  const version = (topic: string, group: string): number =>
    (versions.get(topic) ?? 0) - (coveredCounts.get(groupKey(topic, group)) ?? 0);

  return {
    version,
    wait(topic, group, seen, ms, signal) {
      if (version(topic, group) !== seen || ms <= 0 || signal.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        let set = waiters.get(topic);
        if (!set) {
          set = new Set();
          waiters.set(topic, set);
        }
        const waiter: Waiter = {
          group,
          wake: () => {
            clearTimeout(timer);
            signal.removeEventListener('abort', waiter.wake);
            const current = waiters.get(topic);
            current?.delete(waiter);
            if (current?.size === 0) waiters.delete(topic);
            resolve();
          },
        };
        const timer = setTimeout(waiter.wake, ms);
        signal.addEventListener('abort', waiter.wake, { once: true });
        set.add(waiter);
      });
    },
    notifyAfter(topic, ms) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        notify({ topic, covered: [] });
      }, ms);
      timer.unref();
      timers.add(timer);
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const set of [...waiters.values()]) for (const waiter of [...set]) waiter.wake();
      await unlisten();
    },
  };
}

// Wake-ups for waiting fetches: one LISTEN per transport, fanned out to waiters by topic.
import type { Db, Unlisten } from '@ordo/db';
import { LOG_CHANNEL } from './tables.js';

export interface TopicNotifier {
  /**
   * A counter bumped by every notification for `topic`. Read it before a fetch attempt and pass
   * it to `wait`: a notification that arrived while the attempt ran then ends the wait at once,
   * instead of being lost between "found nothing" and "start waiting".
   */
  version(topic: string): number;
  /** Resolves on a notification for `topic` newer than `seen`, after `ms`, or when `signal` aborts. */
  wait(topic: string, seen: number, ms: number, signal: AbortSignal): Promise<void>;
  /**
   * Acts as a notification for `topic` after `ms`: a redelivery this process scheduled (a nak
   * with a delay) comes due without a NOTIFY, and its fetchers need not poll to find it.
   */
  notifyAfter(topic: string, ms: number): void;
  close(): Promise<void>;
}

export async function createTopicNotifier(db: Db): Promise<TopicNotifier> {
  // One counter per topic ever notified in this database: bounded by the number of topics.
  const versions = new Map<string, number>();
  const waiters = new Map<string, Set<() => void>>();

  const timers = new Set<NodeJS.Timeout>();
  const notify = (topic: string): void => {
    versions.set(topic, (versions.get(topic) ?? 0) + 1);
    for (const wake of waiters.get(topic) ?? []) wake();
  };
  const unlisten: Unlisten = await db.listen(LOG_CHANNEL, notify);

  const version = (topic: string): number => versions.get(topic) ?? 0;

  return {
    version,
    wait(topic, seen, ms, signal) {
      if (version(topic) !== seen || ms <= 0 || signal.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        let set = waiters.get(topic);
        if (!set) {
          set = new Set();
          waiters.set(topic, set);
        }
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          const current = waiters.get(topic);
          current?.delete(done);
          if (current?.size === 0) waiters.delete(topic);
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal.addEventListener('abort', done, { once: true });
        set.add(done);
      });
    },
    notifyAfter(topic, ms) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        notify(topic);
      }, ms);
      timer.unref();
      timers.add(timer);
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const set of [...waiters.values()]) for (const wake of [...set]) wake();
      await unlisten();
    },
  };
}

// A group member's fetch loop: claim, and when nothing is there, wait for a NOTIFY or the poll.
import type { Db } from '@ordo/db';
import type { Delivery, Subscription, SubscriptionSpec } from '@ordo/messaging';
import { type ClaimedRow, claim } from './claim.js';
import { toDelivery } from './delivery.js';
import type { HandoffRegistry, HandoffTarget } from './handoff.js';
import type { TopicNotifier } from './notifier.js';
import type { LogTables } from './tables.js';

/**
 * When another member held the group row, the next attempt comes this soon: that member is
 * mid-claim (milliseconds), and the notification that woke us has already been used up.
 */
const CONTENDED_RETRY_MS = 5;

/** No cap by default: the consumer runner owns the attempt budget (see SubscriptionSpec.maxDeliver). */
const UNLIMITED_DELIVERIES = 2_147_483_647;

export interface SubscriptionContext {
  readonly db: Db;
  readonly tables: LogTables;
  readonly notifier: TopicNotifier;
  /**
   * Fallback wake-up: catches redeliveries that come due without a local timer (another process's
   * nak, a lease whose ack wait ran out) and notifications lost while LISTEN reconnected.
   */
  readonly pollIntervalMs: number;
  /** Where the subscription offers to take messages straight from appending transactions. */
  readonly handoff?: HandoffRegistry;
  readonly onClose: (subscription: Subscription) => void;
}

const byPosition = (a: Delivery, b: Delivery): number => a.position - b.position;

/** The reason a wait is ended early (messages handed over, or close()). */
const WOKEN = 'woken';

export function createSubscription(ctx: SubscriptionContext, spec: SubscriptionSpec): Subscription {
  const { db, tables, notifier } = ctx;
  const { topic, group, ackWaitMs } = spec;
  const maxDeliver = spec.maxDeliver ?? UNLIMITED_DELIVERIES;
  const closing = new AbortController();
  // A redelivery this member scheduled wakes this process's fetchers when it comes due; others
  // (another process's nak, a lease that ran out) are found by the fallback poll.
  const owner = { topic, group, ackWaitMs, onRedeliveryAt: (ms: number) => notifier.notifyAfter(topic, ms) };
  const inFlight = new Set<Promise<Delivery[]>>();
  let closed: Promise<void> | undefined;

  // Messages handed over by this process's appending transactions (handoff.ts), already leased to
  // the group. Taken while the consumer has room by its last fetch, so the buffer stays within what
  // it asked for, plus what transactions already committing add.
  const handed: Delivery[] = [];
  let room = 0;
  let wakeForHanded: (() => void) | undefined;
  const target: HandoffTarget = {
    topic,
    group,
    ackWaitMs,
    wants: () => !closing.signal.aborted && handed.length < room,
    take(rows: readonly ClaimedRow[]) {
      const deliveries = rows.map((row) => toDelivery(db, tables, owner, row));
      if (closing.signal.aborted) {
        // Closed while the transaction committed: give them back to the group at once.
        for (const delivery of deliveries) delivery.nak(0).catch(() => {});
        return;
      }
      // In position order: transactions of one topic commit in position order, but their
      // answers may reach this process in another order.
      handed.push(...deliveries);
      handed.sort(byPosition);
      wakeForHanded?.();
    },
  };
  ctx.handoff?.add(target);

  // The notifier's version before the last claim that took everything there was (fewer rows
  // than asked, not contended), and when it ran. Until a notification comes, a fetch that may wait
  // skips its first look: it would find nothing. The fallback poll still runs at its interval.
  let settled: { version: number; at: number } | undefined;

  async function fetchLoop(max: number, waitMs: number): Promise<Delivery[]> {
    const deadline = Date.now() + Math.max(0, waitMs);
    const signal = closing.signal;
    room = max;
    let look =
      waitMs <= 0 ||
      settled === undefined ||
      settled.version !== notifier.version(topic, group) ||
      Date.now() - settled.at >= ctx.pollIntervalMs;
    let contended = false;
    for (;;) {
      const seen = notifier.version(topic, group);
      // Messages already handed over leave a claim only what is left of `max`; without a reason
      // to look (a notification for the group, the fallback poll), they are returned at once.
      const wanted = max - Math.min(handed.length, max);
      if (look && wanted > 0) {
        const at = Date.now();
        // Each attempt is its own statement, so now() (the transaction start) is fresh for every
        // due-redelivery check and every lease deadline.
        const claimed = await claim(db, tables, { topic, group, max: wanted, ackWaitMs, maxDeliver });
        contended = claimed.contended;
        settled = claimed.rows.length < wanted && !contended ? { version: seen, at } : undefined;
        // Rows leased while close() ran are still returned: dropping them would only park them
        // until their ack wait ran out.
        if (claimed.rows.length > 0) {
          const fetched = claimed.rows.map((row) => toDelivery(db, tables, owner, row));
          return [...handed.splice(0, max - fetched.length), ...fetched].sort(byPosition);
        }
      }
      if (handed.length > 0) return handed.splice(0, max);
      const remaining = deadline - Date.now();
      if (signal.aborted || remaining <= 0) return [];
      const pause = Math.min(remaining, contended ? CONTENDED_RETRY_MS : ctx.pollIntervalMs);
      await waitForNews(seen, pause, signal);
      // A wait that ran out without a notification ends the fetch: waitMs is the caller's bound,
      // and a later fetch looks again (at once after a notification, else at the poll interval).
      // A notification at the deadline still earns an attempt. A wait bounded by the deadline has
      // reached it even when Date.now() says a millisecond is left (a timer fires by a monotonic
      // clock; one in twenty here looked once more before ending). Messages handed over during
      // the wait are returned without a look unless a notification came too.
      const notified = notifier.version(topic, group) !== seen;
      if (signal.aborted) return [];
      if (!notified && handed.length > 0) return handed.splice(0, max);
      if (!notified && (pause === remaining || Date.now() >= deadline)) return [];
      look = true;
    }
  }

  /** A notification for the group, messages handed over, the pause, or close(), whichever comes first. */
  async function waitForNews(seen: number, pause: number, signal: AbortSignal): Promise<void> {
    const woken = new AbortController();
    // With a reason of our own: abort() without one builds a DOMException, stack trace included,
    // on every wake-up by a handoff (1.6 % of the single-node process's main thread, one order in flight).
    const stop = (): void => woken.abort(WOKEN);
    wakeForHanded = stop;
    signal.addEventListener('abort', stop, { once: true });
    try {
      await notifier.wait(topic, group, seen, pause, signal.aborted ? signal : woken.signal);
    } finally {
      signal.removeEventListener('abort', stop);
      if (wakeForHanded === stop) wakeForHanded = undefined;
    }
  }

  const subscription: Subscription = {
    async fetch(max, waitMs) {
      const limit = Math.floor(max);
      if (closing.signal.aborted || !(limit >= 1)) return [];
      const run = fetchLoop(limit, waitMs);
      inFlight.add(run);
      try {
        return await run;
      } finally {
        inFlight.delete(run);
      }
    },
    close() {
      closed ??= (async () => {
        closing.abort();
        ctx.handoff?.delete(target);
        // Waits end at once; an attempt already talking to the database is let finish, so nothing
        // of ours uses the Db after close() resolves (the caller may close it next). Messages
        // handed over and not fetched go back to the group.
        await Promise.allSettled([...inFlight]);
        await Promise.allSettled(handed.splice(0).map((delivery) => delivery.nak(0)));
        ctx.onClose(subscription);
      })();
      return closed;
    },
  };
  return subscription;
}

// One member of a consumer group: pulls from the group's durable consumer when its caller fetches.
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { Delivery, Subscription } from '@ordo/messaging';
import type { Consumer, ConsumerMessages, JsMsg, NatsConnection } from 'nats';
import { brokerError } from './nats.errors.js';
import { toDelivery } from './nats.message.js';
import type { TopicAddress } from './nats.names.js';

/*
 * Why pull requests issued by fetch (consumer.fetch with `expires`), with an early return, and not
 * consume():
 * - Latency: while fetch waits, its pull request is parked on the server, which sends a message
 *   the moment it is stored; fetch resolves on that first arrival, after one macrotask so the rest
 *   of a burst read from the same socket chunk comes along, instead of at `expires`.
 * - Fairness and ack-wait safety: a member never has more messages requested than its caller
 *   asked for (`max`), so competing members split a backlog, and nothing waits in a prefetch
 *   buffer while its ack wait runs, as it would behind consume()'s always-refilled buffer.
 * - An early return leaves the rest of that pull request open on the server. JetStream cannot
 *   cancel it, and unsubscribing would drop whatever is already in flight until its ack wait ends;
 *   so what it still brings is buffered (and counted) for the next fetch, which asks for the
 *   difference only once that is at least half of what it may take (see #pull).
 */

/** nats.js refuses shorter pull requests. */
const MIN_PULL_EXPIRES_MS = 1_000;
/** A request the server lost (restart, leader change) is replaced at the latest this much later. */
const MAX_PULL_EXPIRES_MS = 30_000;
/** After a failed pull (e.g. the consumer is being recreated by a seek), the next one waits this long. */
const PULL_RETRY_MS = 250;

interface Pull {
  /** Messages requested and not yet received. */
  remaining: number;
  messages?: ConsumerMessages;
  done?: Promise<void>;
}

interface Buffered {
  readonly msg: JsMsg;
  readonly receivedAt: number;
}

export interface NatsSubscriptionContext {
  readonly nc: NatsConnection;
  readonly consumer: Consumer;
  readonly address: TopicAddress;
  readonly ackWaitMs: number;
  readonly onClose: (subscription: NatsSubscription) => void;
}

export class NatsSubscription implements Subscription {
  readonly #ctx: NatsSubscriptionContext;
  readonly #pulls = new Set<Pull>();
  readonly #waiters = new Set<() => void>();
  #buffer: Buffered[] = [];
  /** Arrived for a closed subscription; naked once our requests are gone. */
  readonly #handBack: JsMsg[] = [];
  #drained = false;
  #pausedUntil = 0;
  #lastPullError: unknown;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(ctx: NatsSubscriptionContext) {
    this.#ctx = ctx;
  }

  async fetch(max: number, waitMs: number): Promise<Delivery[]> {
    const limit = Math.floor(max);
    if (this.#closed || !(limit >= 1)) return [];
    const wait = Number.isNaN(waitMs) ? 0 : Math.max(0, waitMs);
    const deadline = Date.now() + wait;
    // Even a zero wait gets one round trip, or a poller with waitMs 0 would never see a message.
    let polled = wait > 0;
    for (;;) {
      if (this.#closed) return [];
      if (this.#hasBuffered()) {
        await nextMacrotask();
        const deliveries = this.#take(limit);
        if (deliveries.length > 0 || this.#closed) return deliveries;
        continue; // a concurrent fetch took them
      }
      const now = Date.now();
      if (now >= this.#pausedUntil) this.#pull(limit, deadline - now);
      const left = deadline - now;
      if (left <= 0) {
        if (!polled) {
          polled = true;
          await this.#ctx.nc.flush().catch(() => undefined);
          await nextMacrotask();
          continue;
        }
        if (this.#lastPullError !== undefined) {
          throw brokerError('fetch', this.#lastPullError, { topic: this.#ctx.address.topic });
        }
        return [];
      }
      await this.#changed(this.#pausedUntil > now ? Math.min(left, this.#pausedUntil - now) : left);
    }
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** After a seek: what was pulled from the old consumer is void, and its open requests with it. */
  reset(): void {
    this.#buffer = [];
    this.#pausedUntil = Date.now() + PULL_RETRY_MS;
    for (const pull of this.#pulls) void pull.messages?.close();
    this.#notify();
  }

  async #shutdown(): Promise<void> {
    this.#closed = true;
    this.#notify();
    this.#ctx.onClose(this);
    this.#handBack.push(...this.#buffer.splice(0).map((b) => b.msg));
    // Stop asking before handing back: a nak while one of our requests is still open on the
    // server would send the message straight back to us.
    const open = [...this.#pulls];
    await Promise.all(open.map((pull) => this.#drain(pull)));
    // nats-server 2.9 keeps a request whose inbox is gone in its waiting list until something
    // sweeps it, and a redelivery (nak, expired ack wait) routed to such a request is lost until
    // its next ack wait, for whichever member it was meant. Asking for the consumer's info sweeps
    // them (a new message is routed correctly; a redelivery is not).
    if (open.length > 0) await this.#ctx.consumer.info().catch(() => undefined);
    this.#drained = true;
    // Pulled for nobody now: nak without delay, so another member gets them at once.
    for (const msg of this.#handBack.splice(0)) nakNow(msg);
  }

  /**
   * Drains (rather than unsubscribes) an open request's inbox: messages the server sent before it
   * saw the unsubscribe still arrive, and #receive hands them back, instead of the client dropping
   * them and leaving them stuck until their ack wait. The inbox subscription is nats.js internals,
   * so without it we fall back to a plain close.
   */
  async #drain(pull: Pick<Pull, 'messages' | 'done'>): Promise<void> {
    const sub = (pull.messages as { sub?: { drain?: () => Promise<void> } } | undefined)?.sub;
    if (typeof sub?.drain === 'function') {
      await sub.drain().catch(() => pull.messages?.close());
    } else {
      await pull.messages?.close();
    }
    await pull.done;
  }

  #hasBuffered(): boolean {
    const now = Date.now();
    // Held past its ack wait, a message has already gone back to the group: handing it out now
    // would only duplicate the redelivery.
    this.#buffer = this.#buffer.filter((b) => now - b.receivedAt < this.#ctx.ackWaitMs);
    return this.#buffer.length > 0;
  }

  #take(limit: number): Delivery[] {
    const now = Date.now();
    return this.#buffer.splice(0, limit).map(({ msg, receivedAt }) => {
      // Buffered for a good part of its ack wait (a leftover of an earlier request): give the
      // handler the full ack wait again.
      if (now - receivedAt > this.#ctx.ackWaitMs / 2) touchQuietly(msg);
      return toDelivery(this.#ctx.address, msg);
    });
  }

  #outstanding(): number {
    let sum = 0;
    for (const pull of this.#pulls) sum += pull.remaining;
    return sum;
  }

  /**
   * Requests what the caller may still take beyond what earlier requests will bring, once that is
   * at least half of it: while a request is open, messages keep arriving through it, and topping
   * it up after every message took a request of its own (a subscription, a publish and an
   * unsubscribe on the connection, and a waiting request for the server) per message delivered.
   */
  #pull(limit: number, leftMs: number): void {
    const outstanding = this.#outstanding();
    const want = limit - outstanding;
    if (want <= 0 || (outstanding > 0 && want < Math.ceil(limit / 2))) return;
    const expires = Math.min(MAX_PULL_EXPIRES_MS, Math.max(MIN_PULL_EXPIRES_MS, Math.ceil(leftMs)));
    const pull: Pull = { remaining: want };
    this.#pulls.add(pull);
    this.#lastPullError = undefined;
    pull.done = this.#run(pull, expires);
  }

  async #run(pull: Pull, expires: number): Promise<void> {
    const startedAt = Date.now();
    const requested = pull.remaining;
    try {
      const messages = await this.#ctx.consumer.fetch({ max_messages: pull.remaining, expires });
      pull.messages = messages;
      // close() ran while the request was being set up; it could not drain what did not exist yet.
      if (this.#closed) void this.#drain({ messages });
      for await (const msg of messages) {
        pull.remaining--;
        this.#receive(msg);
      }
    } catch (error) {
      if (!this.#closed) {
        this.#lastPullError = error;
        this.#pausedUntil = Date.now() + PULL_RETRY_MS;
      }
    } finally {
      // A request that ended early and empty without an error (e.g. refused as one too many
      // waiting) must not turn the fetch loop into a busy loop of new requests.
      if (!this.#closed && pull.remaining === requested && Date.now() - startedAt < expires / 2) {
        this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + PULL_RETRY_MS);
      }
      this.#pulls.delete(pull);
      this.#notify();
    }
  }

  #receive(msg: JsMsg): void {
    if (this.#closed) {
      if (this.#drained) nakNow(msg);
      else this.#handBack.push(msg);
      return;
    }
    this.#buffer.push({ msg, receivedAt: Date.now() });
    this.#notify();
  }

  #notify(): void {
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  #changed(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        resolve();
      };
      // The loop re-checks anyway; the cap keeps an infinite wait from overflowing the timer.
      const timer = setTimeout(wake, Math.min(timeoutMs, MAX_PULL_EXPIRES_MS));
      this.#waiters.add(wake);
    });
  }
}

function nakNow(msg: JsMsg): void {
  try {
    msg.nak();
  } catch {
    // The connection is gone: the server redelivers after the ack wait, which is all we could ask for.
  }
}

function touchQuietly(msg: JsMsg): void {
  try {
    msg.working();
  } catch {
    // The connection is gone; the handler's own ack will report it.
  }
}

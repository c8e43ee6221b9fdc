// The tracking benchmark's subscribers: customers following their own orders over SSE, and what
// they heard: every position event of a ping the benchmark sent, with its latency from the moment
// the courier's request went out.
import { setTimeout as delay } from 'node:timers/promises';
import { mapInFlight } from './courier-accounts.js';
import { type Subscriber, sseAgent, subscribe } from './sse-subscriber.js';

export interface Follower {
  readonly orderId: string;
  /** The order's customer's access token. */
  readonly token: string;
}

/** A subscription refused this often in a row fails the run. */
const ATTEMPTS = 3;

export class Audience {
  /** Courier's request sent → position event at a subscriber, ms, one per (ping, subscriber). */
  readonly latencies: number[] = [];
  /** Streams that failed after they had opened. */
  errors = 0;
  /** Subscriptions refused and tried again. */
  retries = 0;
  private readonly subscribers: Subscriber[] = [];
  private readonly perOrder = new Map<string, number>();
  /** `<orderId> <ping time>` → when its request went out (epoch ms). */
  private readonly sentAt = new Map<string, number>();

  private constructor(private readonly log: (m: string) => void) {}

  /** Opens a stream per follower, 16 at a time. */
  static async open(baseUrl: string, followers: readonly Follower[], log: (m: string) => void): Promise<Audience> {
    const audience = new Audience(log);
    try {
      await mapInFlight(followers.length, 16, (i) => audience.follow(baseUrl, followers[i] as Follower));
    } catch (error) {
      audience.close();
      throw error;
    }
    return audience;
  }

  private async follow(baseUrl: string, { orderId, token }: Follower): Promise<void> {
    const path = `/v1/orders/${orderId}/track`;
    const onPosition = (atMs: number, arrivedMs: number) => {
      const sent = this.sentAt.get(`${orderId} ${atMs}`);
      if (sent !== undefined) this.latencies.push(arrivedMs - sent);
    };
    const onError = () => {
      this.errors++;
    };
    for (let attempt = 1; ; attempt++) {
      try {
        this.subscribers.push(await subscribe(baseUrl, path, token, onPosition, onError));
        this.perOrder.set(orderId, (this.perOrder.get(orderId) ?? 0) + 1);
        return;
      } catch (error) {
        if (attempt === ATTEMPTS) throw error;
        this.retries++;
        this.log(`subscribing failed, trying again: ${(error as Error).message}`);
      }
    }
  }

  /** Streams opened (closing them does not change it). */
  get size(): number {
    return [...this.perOrder.values()].reduce((sum, n) => sum + n, 0);
  }

  /** Events of every kind received so far. */
  get events(): number {
    return this.subscribers.reduce((sum, s) => sum + s.events, 0);
  }

  subscribersOf(orderId: string): number {
    return this.perOrder.get(orderId) ?? 0;
  }

  /** A batch for the order went out at `sentAtMs`: its pings' events count when they arrive. */
  sent(orderId: string, pingTimesMs: readonly number[], sentAtMs: number): void {
    for (const at of pingTimesMs) this.sentAt.set(`${orderId} ${at}`, sentAtMs);
  }

  /**
   * Until `expected` position events have arrived, or none for `quietMs`, or `maxMs` have passed:
   * late events count too, so an overloaded run shows its whole latency, not the part that fit.
   */
  async settle(expected: number, quietMs = 2_000, maxMs = 60_000): Promise<void> {
    const deadline = Date.now() + maxMs;
    let seen = this.latencies.length;
    let quietSince = Date.now();
    while (this.latencies.length < expected && Date.now() < deadline && Date.now() - quietSince < quietMs) {
      await delay(100);
      if (this.latencies.length > seen) {
        seen = this.latencies.length;
        quietSince = Date.now();
      }
    }
    this.sentAt.clear();
  }

  close(): void {
    for (const s of this.subscribers.splice(0)) s.close();
    sseAgent.destroy();
  }
}

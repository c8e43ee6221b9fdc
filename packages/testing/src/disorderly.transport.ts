// A transport decorator for tests: the consumer groups it is told about receive their messages
// duplicated and out of order (some deliveries are held back for a while, so later ones, of the
// same aggregate too, overtake them; some come a second time a little later), as a broker under
// redelivery would hand them out. Everything else passes through to the real transport untouched.
import type { Delivery, Subscription, SubscriptionSpec, Transport } from '@ordo/messaging';

export interface DisorderOptions {
  /** The consumer groups to disorder; every other subscription passes through. */
  readonly groups: (group: string) => boolean;
  /** Share (0–1) of deliveries that come a second time, up to `maxHoldMs` later. */
  readonly duplicateShare: number;
  /** Share (0–1) of deliveries held back for up to `maxHoldMs`, so later ones overtake them. */
  readonly holdShare: number;
  /** The longest a delivery is held (well under the group's ack wait, or the broker sends it again too). */
  readonly maxHoldMs: number;
  /** The source of every choice; tests pass a seeded one. */
  readonly random: () => number;
}

/** What was injected so far, for a test's report. */
export interface DisorderCounts {
  /** Deliveries passed on from the real transport. */
  delivered: number;
  duplicated: number;
  heldBack: number;
}

interface Held {
  delivery: Delivery;
  releaseAt: number;
}

export class DisorderlyTransport implements Transport {
  readonly counts: DisorderCounts = { delivered: 0, duplicated: 0, heldBack: 0 };

  constructor(
    private readonly inner: Transport,
    private readonly options: DisorderOptions,
  ) {}

  get name(): string {
    return this.inner.name;
  }
  get features(): Transport['features'] {
    return this.inner.features;
  }
  get logDatabase(): Transport['logDatabase'] {
    return this.inner.logDatabase;
  }
  get publishWithin(): Transport['publishWithin'] {
    return this.inner.publishWithin?.bind(this.inner);
  }

  publish: Transport['publish'] = (messages) => this.inner.publish(messages);
  ensureTopic: Transport['ensureTopic'] = (topic, options) => this.inner.ensureTopic(topic, options);
  deleteTopic: Transport['deleteTopic'] = (topic) => this.inner.deleteTopic(topic);
  seek: Transport['seek'] = (topic, group, start) => this.inner.seek(topic, group, start);
  headPosition: Transport['headPosition'] = (topic) => this.inner.headPosition(topic);
  /** The real transport is the caller's to close. */
  close = async (): Promise<void> => {};

  async subscribe(spec: SubscriptionSpec): Promise<Subscription> {
    const subscription = await this.inner.subscribe(spec);
    return this.options.groups(spec.group) ? this.disorder(subscription) : subscription;
  }

  private disorder(subscription: Subscription): Subscription {
    const { random, duplicateShare, holdShare, maxHoldMs } = this.options;
    const counts = this.counts;
    let held: Held[] = [];
    const hold = (delivery: Delivery) => {
      held.push({ delivery, releaseAt: Date.now() + random() * maxHoldMs });
    };

    /** A second copy of a delivery: settling it settles nothing at the broker; a nak brings it back. */
    const copyOf = (delivery: Delivery): Delivery => {
      const copy: Delivery = {
        message: delivery.message,
        position: delivery.position,
        deliveryCount: delivery.deliveryCount + 1,
        ack: async () => {},
        nak: async () => hold(copy),
        touch: async () => {},
      };
      return copy;
    };

    return {
      async fetch(max: number, waitMs: number): Promise<Delivery[]> {
        const now = Date.now();
        const due = held.filter((h) => h.releaseAt <= now).map((h) => h.delivery);
        held = held.filter((h) => h.releaseAt > now);
        // Whatever is due goes out now; otherwise wait for new deliveries no longer than until
        // the next held one is due.
        const nextDue = Math.min(...held.map((h) => h.releaseAt));
        const wait = Math.max(0, Math.min(waitMs, Math.ceil(nextDue - now)));
        const fresh = due.length > 0 ? [] : await subscription.fetch(max, wait);
        const out = [...due];
        for (const delivery of fresh) {
          counts.delivered++;
          if (random() < duplicateShare) {
            counts.duplicated++;
            hold(copyOf(delivery));
          }
          if (random() < holdShare) {
            counts.heldBack++;
            hold(delivery);
          } else {
            out.push(delivery);
          }
        }
        return out;
      },
      close: () => subscription.close(),
    };
  }
}

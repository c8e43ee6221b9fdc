// An in-memory transport for unit tests of code above the transport port (the consumer
// runner, sagas). It follows the port's semantics; it is never used outside tests.
import type {
  Delivery,
  StartPosition,
  Subscription,
  SubscriptionSpec,
  Transport,
  TransportMessage,
} from '@ordo/messaging';

interface Stored {
  position: number;
  message: TransportMessage;
}

interface Pending {
  position: number;
  deliveryCount: number;
  visibleAt: number;
}

interface Group {
  cursor: number;
  pending: Map<number, Pending>;
  ackWaitMs: number;
}

export class MemoryTransport implements Transport {
  readonly name = 'memory';
  readonly features = {
    dedupById: true,
    dedupWindowMs: Number.POSITIVE_INFINITY,
    delayedRedelivery: true,
    replayFromPosition: true,
    multiProcess: false,
    ackWithinTransaction: false,
  };
  private readonly topics = new Map<string, Stored[]>();
  private readonly ids = new Set<string>();
  private readonly groups = new Map<string, Group>();
  private readonly waiters = new Set<() => void>();
  private position = 0;
  private closed = false;

  async ensureTopic(topic: string): Promise<void> {
    if (!this.topics.has(topic)) this.topics.set(topic, []);
  }

  async deleteTopic(topic: string): Promise<void> {
    this.topics.delete(topic);
    const prefix = `${topic}\u0000`;
    for (const key of this.groups.keys()) if (key.startsWith(prefix)) this.groups.delete(key);
    for (const key of this.ids) if (key.startsWith(prefix)) this.ids.delete(key);
  }

  async publish(messages: readonly TransportMessage[]): Promise<void> {
    for (const message of messages) {
      const dedupKey = `${message.topic}\u0000${message.id}`;
      if (this.ids.has(dedupKey)) continue;
      this.ids.add(dedupKey);
      await this.ensureTopic(message.topic);
      this.topics.get(message.topic)!.push({ position: ++this.position, message });
    }
    for (const wake of this.waiters) wake();
  }

  async headPosition(topic: string): Promise<number> {
    return this.topics.get(topic)?.at(-1)?.position ?? 0;
  }

  async seek(topic: string, group: string, start: StartPosition): Promise<void> {
    const g = this.group(topic, group, 30_000, start);
    g.cursor = await this.cursorFor(topic, start);
    g.pending.clear();
  }

  async subscribe(spec: SubscriptionSpec): Promise<Subscription> {
    await this.ensureTopic(spec.topic);
    const group = this.group(spec.topic, spec.group, spec.ackWaitMs, spec.start ?? { kind: 'beginning' });
    let open = true;
    const take = (max: number): Delivery[] => {
      const now = Date.now();
      const out: Delivery[] = [];
      for (const p of [...group.pending.values()].sort((a, b) => a.position - b.position)) {
        if (out.length >= max) break;
        if (p.visibleAt > now) continue;
        p.deliveryCount++;
        p.visibleAt = now + group.ackWaitMs;
        out.push(this.delivery(spec.topic, group, p));
      }
      for (const stored of this.topics.get(spec.topic) ?? []) {
        if (out.length >= max) break;
        if (stored.position <= group.cursor) continue;
        group.cursor = stored.position;
        const p = { position: stored.position, deliveryCount: 1, visibleAt: now + group.ackWaitMs };
        group.pending.set(p.position, p);
        out.push(this.delivery(spec.topic, group, p));
      }
      return out;
    };
    return {
      fetch: async (max, waitMs) => {
        const deadline = Date.now() + waitMs;
        for (;;) {
          if (!open || this.closed) return [];
          const got = take(max);
          if (got.length > 0) return got;
          const left = deadline - Date.now();
          if (left <= 0) return [];
          await new Promise<void>((resolve) => {
            const wake = () => {
              this.waiters.delete(wake);
              clearTimeout(timer);
              resolve();
            };
            const timer = setTimeout(wake, Math.min(left, 20));
            this.waiters.add(wake);
          });
        }
      },
      close: async () => {
        open = false;
        for (const wake of this.waiters) wake();
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.waiters) wake();
  }

  private group(topic: string, name: string, ackWaitMs: number, start: StartPosition): Group {
    const key = `${topic}\u0000${name}`;
    let g = this.groups.get(key);
    if (!g) {
      const all = this.topics.get(topic) ?? [];
      const cursor =
        start.kind === 'beginning' ? 0 : start.kind === 'new' ? (all.at(-1)?.position ?? 0) : start.position - 1;
      g = { cursor, pending: new Map(), ackWaitMs };
      this.groups.set(key, g);
    }
    g.ackWaitMs = ackWaitMs;
    return g;
  }

  private async cursorFor(topic: string, start: StartPosition): Promise<number> {
    if (start.kind === 'beginning') return 0;
    if (start.kind === 'new') return this.headPosition(topic);
    return start.position - 1;
  }

  private delivery(topic: string, group: Group, p: Pending): Delivery {
    const stored = this.topics.get(topic)!.find((s) => s.position === p.position)!;
    const deliveryCount = p.deliveryCount;
    return {
      message: stored.message,
      position: p.position,
      deliveryCount,
      ack: async () => {
        group.pending.delete(p.position);
      },
      nak: async (delayMs) => {
        const current = group.pending.get(p.position);
        if (current) current.visibleAt = Date.now() + delayMs;
        for (const wake of this.waiters) setTimeout(wake, delayMs);
      },
      touch: async () => {
        const current = group.pending.get(p.position);
        if (current) current.visibleAt = Date.now() + group.ackWaitMs;
      },
    };
  }
}

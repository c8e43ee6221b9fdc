// The saga's side of the bus for component tests: sends restaurant commands the way the order
// service's outbox would (per-key seq 1, 2, 3 …) and reads what the service publishes.
import { RestaurantCommands, RestaurantTopics } from '@ordo/contracts-restaurant';
import {
  type Envelope,
  newMessageId,
  parseEnvelope,
  type Subscription,
  type Transport,
  toTransportMessage,
} from '@ordo/messaging';
import type { z } from 'zod';

type Commands = typeof RestaurantCommands;

export class SagaDriver {
  private readonly seqs = new Map<string, number>();
  private sagas = 0;

  constructor(private readonly transport: Transport) {}

  /** A fresh saga id, so tests sharing one service do not share command sequences. */
  newSaga(): string {
    return `saga-${process.pid}-${++this.sagas}-${Math.random().toString(36).slice(2, 8)}`;
  }

  /** Publishes a command; `payload` is sent as given (tests may send invalid ones). */
  async send<K extends keyof Commands>(
    name: K,
    payload: z.input<Commands[K]['schema']> & { sagaId: string },
  ): Promise<Envelope> {
    const key = payload.sagaId;
    const seq = (this.seqs.get(key) ?? 0) + 1;
    this.seqs.set(key, seq);
    const envelope: Envelope = {
      id: newMessageId(),
      type: RestaurantCommands[name].type,
      key,
      seq,
      occurredAt: new Date().toISOString(),
      correlationId: `corr-${key}`,
      causationId: null,
      traceparent: null,
      payload,
    };
    await this.transport.publish([toTransportMessage(RestaurantTopics.commands, envelope)]);
    return envelope;
  }
}

/** Reads a topic as its own consumer group, keeping everything it has seen. */
export class TopicReader {
  readonly seen: Envelope[] = [];

  private constructor(private readonly subscription: Subscription) {}

  static async open(transport: Transport, topic: string, group: string): Promise<TopicReader> {
    await transport.ensureTopic(topic);
    return new TopicReader(
      await transport.subscribe({ topic, group, ackWaitMs: 30_000, start: { kind: 'beginning' } }),
    );
  }

  /** Fetches until `predicate` holds for the messages seen so far. */
  async waitFor(predicate: (seen: readonly Envelope[]) => boolean, timeoutMs = 15_000): Promise<Envelope[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.seen)) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out; seen: ${this.seen.map((m) => `${m.type} ${JSON.stringify(m.payload)}`).join('; ')}`,
        );
      }
      for (const delivery of await this.subscription.fetch(100, 100)) {
        this.seen.push(parseEnvelope(delivery.message.body));
        await delivery.ack();
      }
    }
    return [...this.seen];
  }

  /** The replies to `commandId`, once there are `count` of them. */
  async replies(commandId: string, count = 1): Promise<Envelope<Record<string, unknown>>[]> {
    const match = (m: Envelope) => (m.payload as { commandId?: string }).commandId === commandId;
    const seen = await this.waitFor((all) => all.filter(match).length >= count);
    return seen.filter(match) as Envelope<Record<string, unknown>>[];
  }

  close(): Promise<void> {
    return this.subscription.close();
  }
}

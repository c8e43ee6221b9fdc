// Reads the projected topics from their beginning, as a consumer group of its own, for a rebuild.
// Each pass reads every topic until it is drained; a later pass continues where the last stopped
// (the rebuild's catch-up). Order across topics does not matter: views converge per source.
import { type Envelope, parseEnvelope, type Subscription, type Transport } from '@ordo/messaging';

export interface LogReplayOptions {
  /** The group the replay reads as; moved back to the beginning when the replay opens. */
  readonly group?: string;
  readonly batchSize?: number;
  /** A fetch that finds nothing for this long ends a topic's pass. Default 250 ms. */
  readonly idleMs?: number;
}

export class LogReplay {
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly group: string;

  constructor(
    private readonly transport: Transport,
    private readonly topics: readonly string[],
    private readonly options: LogReplayOptions = {},
  ) {
    this.group = options.group ?? 'query.rebuild';
  }

  /** Moves the group to the beginning of every topic and subscribes. */
  async open(): Promise<void> {
    for (const topic of this.topics) {
      await this.transport.ensureTopic(topic);
      await this.transport.seek(topic, this.group, { kind: 'beginning' });
      this.subscriptions.set(
        topic,
        await this.transport.subscribe({ topic, group: this.group, ackWaitMs: 60_000, start: { kind: 'beginning' } }),
      );
    }
  }

  /** Every message not read yet, topic after topic, up to each topic's head when the pass reaches it. */
  async *pass(): AsyncGenerator<Envelope> {
    for (const topic of this.topics) {
      const subscription = this.subscriptions.get(topic);
      if (!subscription) throw new Error('LogReplay.open() first');
      const head = await this.transport.headPosition(topic);
      for (;;) {
        const batch = await subscription.fetch(this.options.batchSize ?? 256, this.options.idleMs ?? 250);
        if (batch.length === 0) break;
        for (const delivery of batch) {
          yield parseEnvelope(delivery.message.body);
          await delivery.ack();
        }
        if (batch[batch.length - 1]!.position >= head) break;
      }
    }
  }

  async close(): Promise<void> {
    for (const subscription of this.subscriptions.values()) await subscription.close();
    this.subscriptions.clear();
  }
}

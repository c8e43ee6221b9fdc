// A small service for the conformance suite: the kernel tables in schema `svc`, an effects
// table that records every applied message (duplicates included, so they can be counted),
// an outbox writer, relays and consumers wired to the shape under test.
import { type Db, migrate, type SqlExecutor } from '@ordo/db';
import type { Faults } from '@ordo/faults';
import {
  Consumer,
  type ConsumerOptions,
  consumerMigrations,
  type Envelope,
  SchemaRegistry,
  type Transport,
  toTransportMessage,
} from '@ordo/messaging';
import { OutboxRelay, type OutboxRelayOptions, OutboxWriter, outboxMigrations } from '@ordo/outbox';
import { z } from 'zod';

export const SCHEMA = 'svc';
export const EVENT = 'thing.happened.v1';
export const eventSchema = z.object({ n: z.number().int() });

export function conformanceRegistry(): SchemaRegistry {
  return new SchemaRegistry().register(EVENT, eventSchema);
}

export async function migrateFixture(db: Db): Promise<void> {
  await migrate(db, SCHEMA, [
    ...outboxMigrations,
    ...consumerMigrations,
    {
      id: 'conformance_0001_effects',
      sql: `CREATE TABLE {{schema}}.effects (
              id bigserial PRIMARY KEY,
              consumer text NOT NULL,
              message_id text NOT NULL,
              key text NOT NULL,
              seq bigint NOT NULL,
              n int NOT NULL,
              worker text NOT NULL
            )`,
    },
  ]);
}

/** The effect every conformance handler applies: one row per applied message. */
export async function recordEffect(
  tx: SqlExecutor,
  consumer: string,
  envelope: Envelope<{ n: number }>,
  worker: string,
): Promise<void> {
  await tx.query(
    `INSERT INTO ${SCHEMA}.effects (consumer, message_id, key, seq, n, worker) VALUES ($1, $2, $3, $4, $5, $6)`,
    [consumer, envelope.id, envelope.key, envelope.seq, envelope.payload.n, worker],
  );
}

export interface EffectRow {
  message_id: string;
  key: string;
  seq: number;
  n: number;
  worker: string;
}

export class KernelFixture {
  readonly writer = new OutboxWriter(SCHEMA);
  readonly registry = conformanceRegistry();
  private readonly started: Array<{ stop(): Promise<void> }> = [];

  constructor(
    readonly db: Db,
    readonly transport: Transport,
    readonly topic: string,
  ) {}

  /** Writes `count` events for `key` through the outbox in one transaction. */
  async produce(key: string, count = 1, firstN = 1): Promise<Envelope[]> {
    return this.db.transaction((tx) =>
      this.writer.write(
        tx,
        Array.from({ length: count }, (_, i) => ({ topic: this.topic, type: EVENT, key, payload: { n: firstN + i } })),
      ),
    );
  }

  /** Builds envelopes with the outbox's numbering but publishes them directly, in the order given. */
  async publishRaw(envelopes: readonly Envelope[], transport = this.transport): Promise<void> {
    await transport.publish(envelopes.map((e) => toTransportMessage(this.topic, e)));
  }

  relay(options: Partial<OutboxRelayOptions> = {}): OutboxRelay {
    return new OutboxRelay({ db: this.db, schema: SCHEMA, publisher: this.transport, pollIntervalMs: 200, ...options });
  }

  consumer(name: string, options: Partial<ConsumerOptions> & { worker?: string; faults?: Faults } = {}): Consumer {
    const worker = options.worker ?? 'main';
    const consumer = new Consumer({
      name,
      topic: this.topic,
      db: this.db,
      schema: SCHEMA,
      transport: this.transport,
      registry: this.registry,
      handlers: {
        [EVENT]: async (_payload, ctx) => recordEffect(ctx.tx, name, ctx.envelope as Envelope<{ n: number }>, worker),
      },
      ackWaitMs: 2_000,
      fetchWaitMs: 200,
      backoff: { baseMs: 5, maxMs: 50 },
      gapBackoff: { baseMs: 5, maxMs: 100 },
      ...options,
    });
    this.started.push(consumer);
    return consumer;
  }

  async effects(consumer: string): Promise<EffectRow[]> {
    const { rows } = await this.db.query<EffectRow>(
      `SELECT message_id, key, seq, n, worker FROM ${SCHEMA}.effects WHERE consumer = $1 ORDER BY id`,
      [consumer],
    );
    return rows;
  }

  async effectCount(consumer: string): Promise<{ total: number; distinct: number }> {
    const { rows } = await this.db.query<{ total: number; distinct: number }>(
      `SELECT count(*)::int AS total, count(DISTINCT message_id)::int AS distinct FROM ${SCHEMA}.effects WHERE consumer = $1`,
      [consumer],
    );
    return rows[0]!;
  }

  async stopAll(): Promise<void> {
    for (const s of this.started.splice(0)) await s.stop().catch(() => {});
  }
}

// A consumer in its own process, for the conformance cases that kill or signal a process.
// Started by `spawnConsumer`; reports over IPC; drains and exits 0 on SIGTERM.
import { Faults } from '@ordo/faults';
import { Consumer, type Envelope } from '@ordo/messaging';
import { conformanceRegistry, EVENT, recordEffect, SCHEMA } from './kernel-fixture.js';
import { openShape, type ShapeConfig } from './shapes.js';

export interface ChildConsumerConfig {
  shape: ShapeConfig;
  topic: string;
  consumer: string;
  worker: string;
  /** Fault spec for @ordo/faults, e.g. `consumer.afterCommit=exit@1`. */
  faults?: string;
  handlerDelayMs?: number;
  ackWaitMs?: number;
  concurrency?: number;
}

export type ChildReport =
  | { type: 'ready' }
  | { type: 'processing'; messageId: string }
  | { type: 'processed'; count: number }
  | { type: 'drained'; processed: number };

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as ChildConsumerConfig;
  const send = (report: ChildReport) => process.send?.(report);
  const faults = new Faults();
  faults.armFromSpec(config.faults);
  const { db, transport } = await openShape(config.shape);
  let processed = 0;
  const consumer = new Consumer({
    name: config.consumer,
    topic: config.topic,
    db,
    schema: SCHEMA,
    transport,
    registry: conformanceRegistry(),
    faults,
    ackWaitMs: config.ackWaitMs ?? 2_000,
    fetchWaitMs: 200,
    concurrency: config.concurrency ?? 8,
    backoff: { baseMs: 5, maxMs: 50 },
    handlers: {
      [EVENT]: async (_payload, ctx) => {
        send({ type: 'processing', messageId: ctx.envelope.id });
        if (config.handlerDelayMs) await new Promise((r) => setTimeout(r, config.handlerDelayMs));
        await recordEffect(ctx.tx, config.consumer, ctx.envelope as Envelope<{ n: number }>, config.worker);
      },
    },
  });
  consumer.stats.onCount((name) => {
    if (name === 'processed') send({ type: 'processed', count: ++processed });
  });
  process.once('SIGTERM', async () => {
    await consumer.stop();
    await transport.close();
    await db.close();
    send({ type: 'drained', processed });
    process.exit(0);
  });
  await consumer.start();
  send({ type: 'ready' });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

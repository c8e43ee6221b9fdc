// One kernel benchmark run on one transport: produce (one event per transaction) → relay →
// consume (inbox + effect). Measures end-to-end throughput with closed-loop producers, and
// produce-commit → consume-commit latency at a fixed offered rate.
import type { Db } from '@ordo/db';
import { Consumer, type Transport } from '@ordo/messaging';
import { OutboxRelay } from '@ordo/outbox';
import { summarize } from '../percentiles.js';
import { benchRegistry, EVENT, newWriter, placeOrder, projectOrder, SCHEMA } from './bench-service.js';

export interface ScenarioSettings {
  /** Events for the throughput phase. */
  events: number;
  /** Concurrent producer loops in the throughput phase. */
  producers: number;
  /** Offered rates of the latency phases (events/s); the first is the headline figure. */
  latencyRates: number[];
  latencySeconds: number;
  consumerConcurrency: number;
  consumerBatch: number;
  /** Messages per consumer transaction (1 = each message commits alone). */
  consumerTxBatch: number;
  relayBatch: number;
}

export interface LatencyPoint {
  offeredPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  samples: number;
}

export interface ScenarioResult {
  eventsPerSec: number;
  latency: LatencyPoint[];
  throughputEvents: number;
  throughputSeconds: number;
  /** CPU used by the producing process (producers and relay, and the consumer when it shares the process) during the throughput phase, % of one core. */
  nodeCpuPercent: number;
}

/** The consuming side: in this process, or in one of its own (as in the distributed shape). */
export interface BenchConsumer {
  start(onProcessed: (messageId: string, atEpochMs: number) => void): Promise<void>;
  stop(): Promise<void>;
}

const epochNow = () => performance.timeOrigin + performance.now();

/** The projector consumer in this process, on `consumerDb` (its own pool). */
export function inProcessConsumer(
  consumerDb: Db,
  transport: Transport,
  topic: string,
  settings: ScenarioSettings,
): BenchConsumer {
  let consumer: Consumer | undefined;
  return {
    async start(onProcessed) {
      consumer = new Consumer({
        name: 'bench.projector',
        topic,
        db: consumerDb,
        schema: SCHEMA,
        transport,
        registry: benchRegistry(),
        concurrency: settings.consumerConcurrency,
        batchSize: settings.consumerBatch,
        transactionBatchSize: settings.consumerTxBatch,
        fetchWaitMs: 500,
        handlers: { [EVENT]: async (payload, ctx) => projectOrder(ctx.tx, payload) },
        onProcessed: (envelope) => onProcessed(envelope.id, epochNow()),
      });
      await consumer.start();
    },
    async stop() {
      await consumer?.stop();
    },
  };
}

export async function runScenario(
  db: Db,
  consumerSide: BenchConsumer,
  transport: Transport,
  topic: string,
  settings: ScenarioSettings,
): Promise<ScenarioResult> {
  const writer = newWriter();
  // Both ends are recorded and paired afterwards: the consumer may commit before the producer's
  // continuation has run (the gap is then below timer resolution).
  const committedAt = new Map<string, number>();
  const consumedAt = new Map<string, number>();
  let measuring = false;
  let processed = 0;
  const relay = new OutboxRelay({ db, schema: SCHEMA, publisher: transport, batchSize: settings.relayBatch });
  await transport.ensureTopic(topic);
  await relay.start();
  await consumerSide.start((id, at) => {
    processed++;
    if (measuring) consumedAt.set(id, at);
  });
  try {
    // Warm-up: connections, JIT, the consumer group.
    for (let i = 0; i < 200; i++) await placeOrder(db, writer, topic);
    await waitFor(() => processed >= 200);

    // Latency at fixed offered rates (open loop: sends on schedule, whatever the backlog).
    const latency: LatencyPoint[] = [];
    for (const rate of settings.latencyRates) {
      committedAt.clear();
      consumedAt.clear();
      measuring = true;
      const total = rate * settings.latencySeconds;
      const started = performance.now();
      const inFlight: Promise<void>[] = [];
      for (let i = 0; i < total; i++) {
        const due = started + (i * 1_000) / rate;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
        inFlight.push(
          (async () => {
            const id = await placeOrder(db, writer, topic);
            committedAt.set(id, epochNow());
          })(),
        );
      }
      await Promise.all(inFlight);
      await waitFor(() => [...committedAt.keys()].every((id) => consumedAt.has(id)));
      measuring = false;
      const summary = summarize([...committedAt].map(([id, at]) => Math.max(0, (consumedAt.get(id) as number) - at)));
      latency.push({
        offeredPerSec: rate,
        p50Ms: summary.p50,
        p99Ms: summary.p99,
        maxMs: summary.max,
        samples: summary.count,
      });
      await sleep(1_000);
    }

    // Throughput: closed-loop producers; the clock stops when the consumer has committed all.
    const before = processed;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let produced = 0;
    await Promise.all(
      Array.from({ length: settings.producers }, async () => {
        while (produced < settings.events) {
          produced++;
          await placeOrder(db, writer, topic);
        }
      }),
    );
    await waitFor(() => processed - before >= settings.events);
    const seconds = (performance.now() - t0) / 1_000;
    const cpu = process.cpuUsage(cpu0);
    return {
      nodeCpuPercent: Math.round(((cpu.user + cpu.system) / 1e6 / seconds) * 100),
      eventsPerSec: settings.events / seconds,
      latency,
      throughputEvents: settings.events,
      throughputSeconds: seconds,
    };
  } finally {
    await consumerSide.stop();
    await relay.stop();
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('benchmark timed out waiting for the consumer');
    await sleep(5);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// `npm run bench:kernel -- [--json FILE] [--transports nats,pglog,pglite] [--events N] ...`
// Runs produce → relay → consume on each transport, measures the database's ceiling for the
// producer transaction in the same run, prints a table and optionally writes JSON.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPgliteDb, type Db } from '@ordo/db';
import type { Transport } from '@ordo/messaging';
import { createTestPgDatabase } from '@ordo/testing';
import { createNatsTransport } from '@ordo/transport-nats';
import { createPglogTransport } from '@ordo/transport-pglog';
import { migrateBenchService } from './kernel/bench-service.js';
import { type CeilingResult, nodeLoopCeiling, pgbenchCeiling } from './kernel/ceiling.js';
import {
  type BenchConsumer,
  inProcessConsumer,
  type LatencyPoint,
  runScenario,
  type ScenarioSettings,
} from './kernel/scenario.js';
import { separateProcessConsumer } from './kernel/separate-consumer.js';
import { machineInfo } from './machine.js';

const { values } = parseArgs({
  options: {
    json: { type: 'string' },
    transports: { type: 'string', default: 'nats,pglog,pglite' },
    events: { type: 'string', default: '20000' },
    producers: { type: 'string', default: '16' },
    'latency-rates': { type: 'string', default: '1000,500,200' },
    'latency-seconds': { type: 'string', default: '10' },
    'ceiling-seconds': { type: 'string', default: '10' },
    'consumer-tx-batch': { type: 'string', default: '32,1' },
    'consumer-concurrency': { type: 'string', default: '4' },
    pool: { type: 'string', default: '16' },
    'consumer-process': { type: 'string', default: 'same' },
    'nats-url': { type: 'string', default: 'nats://127.0.0.1:4222' },
  },
});

const settings: ScenarioSettings = {
  events: Number(values.events),
  producers: Number(values.producers),
  latencyRates: String(values['latency-rates']).split(',').map(Number),
  latencySeconds: Number(values['latency-seconds']),
  consumerConcurrency: Number(values['consumer-concurrency']),
  consumerBatch: 128,
  consumerTxBatch: 1,
  relayBatch: 200,
};
const ceilingSeconds = Number(values['ceiling-seconds']);

interface Run {
  transport: string;
  database: string;
  /** Messages per consumer transaction. */
  consumerTxBatch: number;
  /** Whether the consumer ran in the producer's process or its own. */
  consumer: string;
  eventsPerSec: number;
  ceilingTxPerSec: number;
  ratio: number;
  /** Produce-commit → consume-commit at the first offered rate (1,000 events/s by default). */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  latency: LatencyPoint[];
  nodeCpuPercent: number;
  ceilingMethod: string;
}

interface Shape {
  db: Db;
  /** The consuming side for a given number of messages per consumer transaction. */
  consumer: (consumerTxBatch: number) => BenchConsumer;
  consumerPlacement: string;
  transport: Transport;
  ceiling: () => Promise<CeilingResult>;
  database: string;
  close: () => Promise<void>;
}

const topic = `bench.orders.r${randomBytes(3).toString('hex')}`;
let postgresCeiling: CeilingResult | undefined;

async function openShape(name: string): Promise<Shape> {
  if (name === 'pglite') {
    const dir = await mkdtemp(join(tmpdir(), 'ordo-bench-'));
    const db = await createPgliteDb({ dataDir: dir });
    await migrateBenchService(db);
    const transport = await createPglogTransport({ db });
    return {
      db,
      // PGlite belongs to one process: the consumer shares it.
      consumer: (consumerTxBatch) => inProcessConsumer(db, transport, topic, { ...settings, consumerTxBatch }),
      consumerPlacement: 'same process',
      transport,
      database: 'PGlite (file-backed)',
      ceiling: () => nodeLoopCeiling(db, `${topic}.ceiling`, settings.producers, ceilingSeconds),
      close: async () => {
        await transport.close();
        await db.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const database = await createTestPgDatabase('ordo_bench');
  const db = database.open({ max: Number(values.pool) });
  const consumerDb = database.open({ max: Number(values['consumer-concurrency']) + 1 });
  const separate = values['consumer-process'] === 'separate';
  await migrateBenchService(db);
  const transport =
    name === 'nats'
      ? await createNatsTransport({ servers: values['nats-url'] as string })
      : await createPglogTransport({ db });
  return {
    db,
    consumer: (consumerTxBatch) =>
      separate
        ? separateProcessConsumer({
            connectionString: database.connectionString,
            transport: name === 'nats' ? 'nats' : 'pglog',
            natsUrl: values['nats-url'] as string,
            topic,
            concurrency: settings.consumerConcurrency,
            batchSize: settings.consumerBatch,
            transactionBatchSize: consumerTxBatch,
          })
        : inProcessConsumer(consumerDb, transport, topic, { ...settings, consumerTxBatch }),
    consumerPlacement: separate ? 'own process' : 'same process',
    transport,
    database: 'PostgreSQL 15 (local)',
    ceiling: async () => {
      // Measured once per run on a database of its own, shared by the Postgres transports.
      if (!postgresCeiling) {
        const scratch = await createTestPgDatabase('ordo_bench_ceiling');
        const scratchDb = scratch.open();
        await migrateBenchService(scratchDb);
        await scratchDb.close();
        postgresCeiling = await pgbenchCeiling(scratch.connectionString, topic, settings.producers, ceilingSeconds);
        await scratch.drop();
      }
      return postgresCeiling;
    },
    close: async () => {
      // The database goes, but a NATS stream would outlive the run on the server.
      try {
        await transport.deleteTopic(topic);
      } finally {
        await transport.close();
        await db.close();
        await consumerDb.close();
        await database.drop();
      }
    },
  };
}

async function main(): Promise<void> {
  const runs: Run[] = [];
  const txBatches = String(values['consumer-tx-batch']).split(',').map(Number);
  for (const name of String(values.transports)
    .split(',')
    .map((n) => n.trim())) {
    for (const consumerTxBatch of txBatches) {
      const shape = await openShape(name);
      try {
        process.stderr.write(`running ${name}, ${consumerTxBatch} message(s) per consumer transaction …\n`);
        const result = await runScenario(shape.db, shape.consumer(consumerTxBatch), shape.transport, topic, {
          ...settings,
          consumerTxBatch,
        });
        const ceiling = await shape.ceiling();
        const headline = result.latency[0]!;
        runs.push({
          transport: name === 'pglite' ? 'pglog (PGlite)' : name,
          database: shape.database,
          consumerTxBatch,
          consumer: shape.consumerPlacement,
          eventsPerSec: round(result.eventsPerSec),
          ceilingTxPerSec: round(ceiling.txPerSec),
          ratio: Math.round((result.eventsPerSec / ceiling.txPerSec) * 1000) / 1000,
          p50Ms: round(headline.p50Ms, 2),
          p99Ms: round(headline.p99Ms, 2),
          maxMs: round(headline.maxMs, 2),
          latency: result.latency.map((l) => ({
            ...l,
            p50Ms: round(l.p50Ms, 2),
            p99Ms: round(l.p99Ms, 2),
            maxMs: round(l.maxMs, 2),
          })),
          nodeCpuPercent: result.nodeCpuPercent,
          ceilingMethod: ceiling.method,
        });
      } finally {
        await shape.close();
      }
    }
  }
  const report = {
    runs,
    machine: machineInfo(),
    settings: { ...settings, consumerTxBatches: txBatches, ceilingSeconds, pool: Number(values.pool) },
    at: new Date().toISOString(),
  };
  printTable(runs);
  if (values.json) await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
}

function round(n: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function printTable(runs: Run[]): void {
  const rates = settings.latencyRates;
  const header = [
    'transport',
    'msgs/consumer tx',
    'consumer',
    'events/s',
    'ceiling tx/s',
    'ratio',
    ...rates.flatMap((r) => [`p50 ms @${r}/s`, `p99 ms @${r}/s`]),
    'producer process cpu',
  ];
  const rows = runs.map((r) => [
    r.transport,
    String(r.consumerTxBatch),
    r.consumer,
    String(r.eventsPerSec),
    String(r.ceilingTxPerSec),
    r.ratio.toFixed(3),
    ...r.latency.flatMap((l) => [l.p50Ms.toFixed(1), l.p99Ms.toFixed(1)]),
    `${r.nodeCpuPercent}%`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  console.log(
    `\nlatency: produce-commit → consume-commit, open-loop at each offered rate for ${settings.latencySeconds} s; ` +
      `throughput: ${settings.events} events, ${settings.producers} producers, one event per transaction; ` +
      `ceiling: ${runs[0]?.ceilingMethod ?? ''}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

// The benchmark's consumer in a process of its own, as the consuming service would run in the
// distributed shape. Reports each processed message's id and commit time (epoch ms, sub-ms
// precision) over IPC, in batches.
import { createPgDb } from '@ordo/db';
import { Consumer } from '@ordo/messaging';
import { createNatsTransport } from '@ordo/transport-nats';
import { createPglogTransport } from '@ordo/transport-pglog';
import { benchRegistry, EVENT, projectOrder, SCHEMA } from './bench-service.js';

export interface ConsumerProcessConfig {
  connectionString: string;
  transport: 'nats' | 'pglog';
  natsUrl: string;
  topic: string;
  concurrency: number;
  batchSize: number;
  transactionBatchSize: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ConsumerProcessConfig;
const db = createPgDb({ connectionString: config.connectionString, max: config.concurrency + 1 });
const transport =
  config.transport === 'nats'
    ? await createNatsTransport({ servers: config.natsUrl })
    : await createPglogTransport({ db });
const now = () => performance.timeOrigin + performance.now();
let pending: Array<[string, number]> = [];
const flush = () => {
  if (pending.length > 0) process.send?.({ type: 'processed', items: pending });
  pending = [];
};
setInterval(flush, 20).unref();
const consumer = new Consumer({
  name: 'bench.projector',
  topic: config.topic,
  db,
  schema: SCHEMA,
  transport,
  registry: benchRegistry(),
  concurrency: config.concurrency,
  batchSize: config.batchSize,
  transactionBatchSize: config.transactionBatchSize,
  fetchWaitMs: 500,
  handlers: { [EVENT]: async (payload, ctx) => projectOrder(ctx.tx, payload) },
  onProcessed: (envelope) => pending.push([envelope.id, now()]),
});
process.on('message', async (message: { type: string }) => {
  if (message.type !== 'stop') return;
  await consumer.stop();
  flush();
  await transport.close();
  await db.close();
  process.exit(0);
});
await consumer.start();
process.send?.({ type: 'ready' });

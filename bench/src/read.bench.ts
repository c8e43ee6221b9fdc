// `npm run bench:read -- [--json FILE] [--rate 2000] [--duration 20] [--warmup 5] [--concurrency 64] [--connections 64] [--orders 200]
//   [--postgres-url URL] [--nats-url URL]`
// Reads of `GET /v1/orders/:id` in the distributed shape: from the query service's views through
// the gateway at a fixed offered rate and at saturation, and from the order service's own tables
// at the same rate, with the order database's CPU in each. See bench/README.md.
import { parseArgs } from 'node:util';
import { nonNegativeNumber, positiveNumber } from './distributed-run.js';
import { type ReadBenchOptions, readMarkdown, runReadBench, writeReadResults } from './read/run-read-bench.js';

const log = (message: string) => process.stderr.write(`bench:read: ${message}\n`);

function options(): ReadBenchOptions {
  const { values } = parseArgs({
    options: {
      json: { type: 'string' },
      rate: { type: 'string', default: '2000' },
      duration: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '64' },
      connections: { type: 'string', default: '64' },
      orders: { type: 'string', default: '200' },
      'postgres-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
      'nats-url': { type: 'string', default: 'nats://127.0.0.1:4222' },
      'results-dir': { type: 'string', default: 'bench/results' },
    },
  });
  return {
    rate: positiveNumber('rate', values.rate),
    durationS: positiveNumber('duration', values.duration),
    warmupS: nonNegativeNumber('warmup', values.warmup),
    concurrency: positiveNumber('concurrency', values.concurrency),
    connections: positiveNumber('connections', values.connections),
    orders: positiveNumber('orders', values.orders),
    postgresUrl: values['postgres-url'] as string,
    natsUrl: values['nats-url'] as string,
    jsonFile: values.json,
    resultsDir: values['results-dir'] as string,
  };
}

async function main(): Promise<void> {
  const settings = options();
  const report = await runReadBench(settings, log);
  console.log(readMarkdown(report));
  log(`wrote ${(await writeReadResults(report, settings)).join(', ')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

// `npm run bench:tracking -- [--json FILE] [--couriers 200] [--subscribers 1000 | --subscribers-per-order K]
//   [--rate 1000] [--interval-ms 1000] [--batch 100] [--per-courier 4] [--saturation-couriers 3]
//   [--duration 20] [--postgres-url URL] [--nats-url URL]`
// Live tracking in the distributed shape: couriers of its own on deliveries, customers following
// their own orders over SSE; ping → subscriber latency at a fixed rate, and pings ingested per
// second at saturation. See bench/README.md.
import { parseArgs } from 'node:util';
import { positiveNumber, writeRunResults } from './distributed-run.js';
import { MAX_PINGS_PER_REQUEST } from './tracking/ping-load.js';
import { runTrackingBench, type TrackingBenchOptions, trackingMarkdown } from './tracking/run-tracking-bench.js';

const log = (message: string) => process.stderr.write(`bench:tracking: ${message}\n`);

function options(): TrackingBenchOptions {
  const { values } = parseArgs({
    options: {
      json: { type: 'string' },
      couriers: { type: 'string', default: '200' },
      subscribers: { type: 'string', default: '1000' },
      'subscribers-per-order': { type: 'string' },
      rate: { type: 'string', default: '1000' },
      'interval-ms': { type: 'string', default: '1000' },
      batch: { type: 'string', default: '100' },
      'per-courier': { type: 'string', default: '4' },
      'saturation-couriers': { type: 'string', default: '3' },
      duration: { type: 'string', default: '20' },
      'postgres-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
      'nats-url': { type: 'string', default: 'nats://127.0.0.1:4222' },
      'results-dir': { type: 'string', default: 'bench/results' },
    },
  });
  const perOrder = values['subscribers-per-order'];
  return {
    couriers: Math.round(positiveNumber('couriers', values.couriers)),
    subscribers: Math.round(positiveNumber('subscribers', values.subscribers)),
    subscribersPerOrder:
      perOrder === undefined ? undefined : Math.round(positiveNumber('subscribers-per-order', perOrder)),
    rate: positiveNumber('rate', values.rate),
    intervalMs: positiveNumber('interval-ms', values['interval-ms']),
    batch: Math.min(MAX_PINGS_PER_REQUEST, positiveNumber('batch', values.batch)),
    perCourier: positiveNumber('per-courier', values['per-courier']),
    saturationCouriers: Math.round(positiveNumber('saturation-couriers', values['saturation-couriers'])),
    durationS: positiveNumber('duration', values.duration),
    postgresUrl: values['postgres-url'] as string,
    natsUrl: values['nats-url'] as string,
    jsonFile: values.json,
    resultsDir: values['results-dir'] as string,
  };
}

async function main(): Promise<void> {
  const settings = options();
  const report = await runTrackingBench(settings, log);
  const markdown = trackingMarkdown(report);
  console.log(markdown);
  log(`wrote ${(await writeRunResults(settings, 'tracking', report, markdown)).join(', ')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

// `npm run bench:tracking -- [--json FILE] [--subscribers 1000] [--rate 1000] [--batch 100]
//   [--per-courier 4] [--duration 20] [--postgres-url URL] [--nats-url URL]`
// Live tracking in the distributed shape: ping → SSE subscriber latency at a fixed rate with many
// subscribers open, and pings ingested per second at saturation. See bench/README.md.
import { parseArgs } from 'node:util';
import { positiveNumber, writeRunResults } from './distributed-run.js';
import { runTrackingBench, type TrackingBenchOptions, trackingMarkdown } from './tracking/run-tracking-bench.js';

const log = (message: string) => process.stderr.write(`bench:tracking: ${message}\n`);

function options(): TrackingBenchOptions {
  const { values } = parseArgs({
    options: {
      json: { type: 'string' },
      subscribers: { type: 'string', default: '1000' },
      rate: { type: 'string', default: '1000' },
      batch: { type: 'string', default: '100' },
      'per-courier': { type: 'string', default: '4' },
      duration: { type: 'string', default: '20' },
      'postgres-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
      'nats-url': { type: 'string', default: 'nats://127.0.0.1:4222' },
      'results-dir': { type: 'string', default: 'bench/results' },
    },
  });
  return {
    subscribers: positiveNumber('subscribers', values.subscribers),
    rate: positiveNumber('rate', values.rate),
    batch: Math.min(100, positiveNumber('batch', values.batch)),
    perCourier: positiveNumber('per-courier', values['per-courier']),
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

// `npm run bench:tracking -- [--json FILE] [--subscribers 1000] [--rate 1000] [--batch 100]
//   [--per-courier 4] [--duration 20] [--postgres-url URL] [--nats-url URL]`
// Live tracking in the distributed shape: ping → SSE subscriber latency at a fixed rate with many
// subscribers open, and pings ingested per second at saturation. See bench/README.md.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
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
  const number = (name: string, value: string | undefined) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got '${value}'`);
    return n;
  };
  return {
    subscribers: number('subscribers', values.subscribers),
    rate: number('rate', values.rate),
    batch: Math.min(100, number('batch', values.batch)),
    perCourier: number('per-courier', values['per-courier']),
    durationS: number('duration', values.duration),
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
  const dir = resolve(settings.resultsDir);
  await mkdir(dir, { recursive: true });
  const base = join(dir, `tracking-${report.at.replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')}`);
  const json = `${JSON.stringify(report, (_k, v) => (Number.isNaN(v) ? null : v), 2)}\n`;
  await writeFile(`${base}.json`, json);
  await writeFile(`${base}.md`, markdown);
  if (settings.jsonFile) await writeFile(resolve(settings.jsonFile), json);
  log(`wrote ${base}.json, ${base}.md`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

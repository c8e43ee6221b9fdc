// `npm run bench -- --shape distributed|single|embedded [--json FILE] [--in-flight N] [--rate R]
//   [--duration S] [--quick] [--soak S] [--couriers N] [--postgres-url URL] [--url URL] ...`
// Starts (or uses) an Ordo shape, drives orders through its public API in a closed loop and an
// open-loop sweep (or a soak), and reports sagas/s, placed → CONFIRMED latency and the cost of a
// saga (CPU per process, Postgres transactions, WAL fsyncs). See bench/README.md.

import { BENCH_USAGE, parseBenchOptions, wantsHelp } from './platform/options.js';
import { markdownReport } from './platform/report/markdown.js';
import { writeResults } from './platform/report/write-results.js';
import { runPlatformBench } from './platform/run-bench.js';

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (wantsHelp(argv)) {
    console.log(BENCH_USAGE);
    return;
  }
  const options = parseBenchOptions(argv);
  const report = await runPlatformBench(options, log);
  const written = await writeResults(report, options.resultsDir, options.jsonFile);
  console.log(markdownReport(report));
  log(`wrote ${[written.json, written.markdown, written.svg, written.extraJson].filter(Boolean).join(', ')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

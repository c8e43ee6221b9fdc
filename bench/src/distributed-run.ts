// What the read and tracking benchmarks share: a distributed shape of their own on the given
// servers, and their command lines' numbers and result files.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseBenchOptions } from './platform/options.js';
import { openShape } from './platform/shapes/open-shape.js';
import type { RunningShape } from './platform/shapes/shape.js';

/** Starts a distributed shape (its own databases, streams and processes) with `couriers` seeded. */
export function startDistributedShape(
  servers: { postgresUrl: string; natsUrl: string },
  couriers: number,
  log: (message: string) => void,
): Promise<RunningShape> {
  const options = parseBenchOptions([
    '--shape',
    'distributed',
    '--postgres-url',
    servers.postgresUrl,
    '--nats-url',
    servers.natsUrl,
    '--couriers',
    String(couriers),
  ]);
  return openShape(options, log);
}

/** A command-line value that must be a positive number. */
export function positiveNumber(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got '${value}'`);
  return n;
}

export function nonNegativeNumber(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be zero or more, got '${value}'`);
  return n;
}

/** Writes `<kind>-<time>.json` and `.md` to the results directory, and the JSON to `jsonFile` too. */
export async function writeRunResults(
  options: { resultsDir: string; jsonFile: string | undefined },
  kind: string,
  report: { at: string },
  markdown: string,
): Promise<string[]> {
  const dir = resolve(options.resultsDir);
  await mkdir(dir, { recursive: true });
  const base = join(dir, `${kind}-${report.at.replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')}`);
  const json = `${JSON.stringify(report, (_key, value) => (Number.isNaN(value) ? null : value), 2)}\n`;
  await writeFile(`${base}.json`, json);
  await writeFile(`${base}.md`, markdown);
  const written = [`${base}.json`, `${base}.md`];
  if (options.jsonFile) {
    await mkdir(dirname(resolve(options.jsonFile)), { recursive: true });
    await writeFile(resolve(options.jsonFile), json);
    written.push(resolve(options.jsonFile));
  }
  return written;
}

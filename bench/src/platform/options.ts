// The platform benchmark's settings: parsed once from the command line, checked together, and
// recorded with every result.
import { parseArgs } from 'node:util';

export const SHAPES = ['distributed', 'single', 'embedded'] as const;
export type ShapeName = (typeof SHAPES)[number];

export interface BenchOptions {
  shape: ShapeName;
  /** Also write the JSON report here (it always goes to bench/results/ too). */
  jsonFile: string | undefined;
  /** Closed loop: orders in flight at once. */
  inFlight: number;
  /** One open-loop run at this offered rate (orders/s) instead of a sweep; the soak's rate. */
  rate: number | undefined;
  /** Closed-loop measurement window, seconds (after the warm-up). */
  durationS: number;
  warmupS: number;
  /** ≈ 20 s in all: a short closed loop only. */
  quick: boolean;
  /** Soak for this many seconds (0: no soak). */
  soakS: number;
  couriers: number;
  customers: number;
  /** Server (admin) URL the shape's databases are created on. */
  postgresUrl: string;
  natsUrl: string;
  /** Use a running Ordo at this URL instead of starting one. */
  url: string | undefined;
  /** Where a running distributed cluster keeps `cluster.json`. */
  clusterStateDir: string;
  /** The open loop's arrivals: Poisson (exponential gaps) or a fixed interval. */
  arrivals: 'poisson' | 'fixed';
  /** Each sweep step's measurement window, seconds. */
  stepS: number;
  /** First offered rate of the sweep (0: a fifth of the closed loop's throughput). */
  sweepFrom: number;
  /** Each sweep step offers this many times the previous rate. */
  sweepFactor: number;
  sweepMaxSteps: number;
  /** How long orders still in flight after a window may take before they count as failed, seconds. */
  drainS: number;
  /** Idle measurement before the load (background work of an idle system), seconds; 0 skips it. */
  idleS: number;
  /** How often completion is looked up, ms. */
  pollMs: number;
  /** Where results go. */
  resultsDir: string;
  logLevel: string;
  /**
   * Single-node shape: where the PSP simulator runs. `own-process` (the default): `ordo serve
   * psp-sim` beside `ordo start`, which calls it through `ORDO_PSP_URL`, as a deployment calls its
   * provider and as the peer's saga calls its own; its CPU is reported apart. `in-process`: inside
   * `ordo start`, as the demo runs it. The other shapes ignore it (the distributed shape always runs
   * it as a process of its own, the embedded one inside its process).
   */
  psp: 'own-process' | 'in-process';
}

const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

function positive(name: string, value: string | undefined, fallback: number, problems: string[], min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) problems.push(`--${name} must be a number ≥ ${min}, got '${value}'`);
  return n;
}

/** Every flag `parseBenchOptions` takes. */
export const BENCH_FLAGS = {
  shape: { type: 'string', default: 'distributed' },
  json: { type: 'string' },
  'in-flight': { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  quick: { type: 'boolean', default: false },
  soak: { type: 'string' },
  couriers: { type: 'string' },
  customers: { type: 'string' },
  'postgres-url': { type: 'string', default: DEFAULT_POSTGRES_URL },
  'nats-url': { type: 'string', default: 'nats://127.0.0.1:4222' },
  url: { type: 'string' },
  'cluster-state-dir': { type: 'string', default: '.ordo/cluster' },
  arrivals: { type: 'string', default: 'poisson' },
  'step-seconds': { type: 'string' },
  'sweep-from': { type: 'string' },
  'sweep-factor': { type: 'string' },
  'sweep-steps': { type: 'string' },
  drain: { type: 'string' },
  idle: { type: 'string' },
  'poll-ms': { type: 'string' },
  'results-dir': { type: 'string', default: 'bench/results' },
  'log-level': { type: 'string', default: 'warn' },
  psp: { type: 'string', default: 'own-process' },
} as const;

/** What `npm run bench -- --help` prints; bench/README.md has the same flags with their meaning. */
export const BENCH_USAGE = `npm run bench -- [flags]

  --shape distributed|single|embedded   which shape (distributed)
  --json FILE                           also write the JSON report here
  --in-flight N                         closed loop: orders in flight (16)
  --duration S, --warmup S              closed-loop window (30; quick 10), after a warm-up (5; quick 2)
  --rate R                              one open-loop run at R orders/s instead of the sweep; the soak's rate
  --quick                               about 20 s of load: a short closed loop only
  --soak S                              soak for S seconds at --rate, or at half a closed loop's throughput
  --couriers N, --customers N           couriers seeded (10000), customers registered (20; embedded 2)
  --postgres-url URL, --nats-url URL    the servers the shape uses
  --url URL                             measure a running Ordo instead of starting one
  --cluster-state-dir DIR               with --url and the distributed shape: its cluster's state (.ordo/cluster)
  --arrivals poisson|fixed              open-loop arrivals (poisson)
  --step-seconds S, --sweep-from R, --sweep-factor F, --sweep-steps N   the open-loop sweep
  --drain S                             how long in-flight orders may take after a window (20; quick 10)
  --idle S                              idle baseline before the load (10; quick 0)
  --poll-ms MS                          completion polling interval (10; embedded 50)
  --log-level L                         the Ordo processes' log level (warn)
  --psp own-process|in-process          single-node: the PSP simulator beside ordo start, or inside it (own-process)
  --results-dir DIR                     where the reports go (bench/results)

See bench/README.md for what each phase measures and how.`;

/** True when `argv` asks for the usage text instead of a run. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/** Parses `argv` (without node and the script); throws one error listing every problem. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: BENCH_FLAGS,
  });
  const problems: string[] = [];
  const shape = values.shape as ShapeName;
  if (!SHAPES.includes(shape)) problems.push(`--shape must be one of ${SHAPES.join(', ')}, got '${values.shape}'`);
  const arrivals = values.arrivals as BenchOptions['arrivals'];
  if (arrivals !== 'poisson' && arrivals !== 'fixed') problems.push(`--arrivals must be poisson or fixed`);
  const psp = values.psp as BenchOptions['psp'];
  if (psp !== 'own-process' && psp !== 'in-process') problems.push(`--psp must be own-process or in-process`);
  const quick = values.quick ?? false;
  const rate = values.rate === undefined ? undefined : positive('rate', values.rate, 0, problems, 0.01);
  const options: BenchOptions = {
    shape,
    jsonFile: values.json,
    inFlight: positive('in-flight', values['in-flight'], 16, problems, 1),
    rate,
    durationS: positive('duration', values.duration, quick ? 10 : 30, problems, 1),
    warmupS: positive('warmup', values.warmup, quick ? 2 : 5, problems),
    quick,
    soakS: positive('soak', values.soak, 0, problems),
    couriers: positive('couriers', values.couriers, 10_000, problems, 1),
    // Embedded completion is read over HTTP, one list request per customer with orders in flight.
    customers: positive('customers', values.customers, shape === 'embedded' ? 2 : 20, problems, 1),
    postgresUrl: values['postgres-url'] as string,
    natsUrl: values['nats-url'] as string,
    url: values.url,
    clusterStateDir: values['cluster-state-dir'] as string,
    arrivals,
    stepS: positive('step-seconds', values['step-seconds'], 15, problems, 1),
    sweepFrom: positive('sweep-from', values['sweep-from'], 0, problems),
    sweepFactor: positive('sweep-factor', values['sweep-factor'], 1.3, problems, 1.01),
    sweepMaxSteps: positive('sweep-steps', values['sweep-steps'], 12, problems, 1),
    drainS: positive('drain', values.drain, quick ? 10 : 20, problems, 1),
    idleS: positive('idle', values.idle, quick ? 0 : 10, problems),
    pollMs: positive('poll-ms', values['poll-ms'], shape === 'embedded' ? 50 : 10, problems, 1),
    resultsDir: values['results-dir'] as string,
    logLevel: values['log-level'] as string,
    psp,
  };
  if (problems.length > 0) throw new Error(`bad options:\n  ${problems.join('\n  ')}`);
  return options;
}

// The read benchmark: a distributed shape with orders in it, then `GET /v1/orders/:id` through
// the gateway (served from the query service's views) at a fixed offered rate and at saturation,
// and the same reads straight from the order service (its own tables) at the same rate, with the
// CPU of each process and of the order database's Postgres backends during each window.
import { setTimeout as delay } from 'node:timers/promises';
import { CALLER_HEADER, encodeCaller, type Role } from '@ordo/auth';
import { CONNECTIONS_PER_SERVICE } from '@ordo/gateway';
import { mtlsClientOptions, readTlsMaterial } from '@ordo/tls';
import { startDistributedShape, writeRunResults } from '../distributed-run.js';
import { machineInfo } from '../machine.js';
import { percentile } from '../percentiles.js';
import { pgStatusSource } from '../platform/completion/pg-status-source.js';
import { OrderTracker } from '../platform/completion/tracker.js';
import { type Customers, registerCustomers } from '../platform/customers.js';
import { type HttpClient, httpClient } from '../platform/http-client.js';
import { orderPlacer } from '../platform/load/order-placer.js';
import { menuChoices } from '../platform/menu.js';
import { type Cost, createMeter } from '../platform/meter/meter.js';
import { openPgStats } from '../platform/meter/pg-stats.js';
import { waitOrderable, waitReady } from '../platform/readiness.js';
import { CleanUp } from '../platform/shapes/clean-up.js';
import { databaseOf } from '../platform/shapes/postgres-admin.js';
import type { OrdoProcessInfo } from '../platform/shapes/shape.js';
import { closedLoopReads, openLoopReads, type ReadResult, type ReadTarget } from './read-load.js';
import { driverLoopDelay, readRouteCounts, shareWithin } from './server-latency.js';

export interface ReadBenchOptions {
  readonly postgresUrl: string;
  readonly natsUrl: string;
  /** Offered reads per second in the fixed-rate phases. */
  readonly rate: number;
  readonly durationS: number;
  /**
   * Seconds each phase runs as it will be measured before its window starts, not counted: the
   * processes' code is compiled for the new load and the connections are open (in the first 2–3 s
   * of a cold phase at 2,000/s every process used more CPU per read, and every read queued).
   */
  readonly warmupS: number;
  /** Callers in the saturation phase. */
  readonly concurrency: number;
  /**
   * Connections the driver keeps to the gateway (default 64). Requests past them wait in the
   * driver, and their wait counts in their latency (measured from when each was due).
   */
  readonly connections: number;
  /** Orders placed (and read) before the phases. */
  readonly orders: number;
  readonly jsonFile: string | undefined;
  readonly resultsDir: string;
}

export interface ReadPhase {
  readonly name: string;
  readonly offered: string;
  readonly perSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly failures: Record<string, number>;
  /**
   * Share of the phase's reads each process answered within 5 ms by its own clock (its duration
   * histogram), by process: `gateway`, `query` (views) or `order` (direct). NaN when unknown.
   */
  readonly servedWithin5Ms: Record<string, number>;
  /** The driver's own event-loop delay during the phase, p99, ms: how late it could see answers. */
  readonly driverLoopDelayP99Ms: number;
  /** CPU per 1,000 answered reads, ms, by process; `order db` is the order database's backends. */
  readonly cpuMsPer1k: Record<string, number>;
  /** Cores the order database's backends kept busy on average. */
  readonly orderDbCores: number;
  readonly machineBusyPercent: number;
}

export interface ReadReport {
  readonly benchmark: 'ordo reads';
  readonly at: string;
  readonly machine: ReturnType<typeof machineInfo>;
  readonly settings: ReadBenchOptions;
  readonly orders: number;
  readonly phases: ReadPhase[];
}

function phase(
  name: string,
  offered: string,
  result: ReadResult,
  cost: Cost,
  servers: Pick<ReadPhase, 'servedWithin5Ms' | 'driverLoopDelayP99Ms'>,
): ReadPhase {
  const cpuMsPer1k: Record<string, number> = {};
  for (const row of cost.cpu) {
    if (row.group === 'excluded') continue;
    const label = row.process.startsWith("postgres: this run's") ? 'order db' : row.process;
    cpuMsPer1k[label] = result.ok > 0 ? (row.cpuMs * 1000) / result.ok : Number.NaN;
  }
  const orderDb = cost.cpu.find((r) => r.process.startsWith("postgres: this run's"));
  return {
    name,
    offered,
    perSec: result.perSec,
    p50Ms: percentile(result.latenciesMs, 50),
    p99Ms: percentile(result.latenciesMs, 99),
    p999Ms: percentile(result.latenciesMs, 99.9),
    failures: result.failures,
    ...servers,
    cpuMsPer1k,
    orderDbCores: orderDb?.cores ?? Number.NaN,
    machineBusyPercent: cost.machineBusyPercent,
  };
}

export async function runReadBench(options: ReadBenchOptions, log: (m: string) => void): Promise<ReadReport> {
  const cleanUp = new CleanUp(log);
  try {
    const shape = await startDistributedShape(options, options.orders * 2 + 100, log);
    cleanUp.add('close the shape', () => shape.close());
    const orderProcess = shape.processes.find((p) => p.label === 'order');
    if (!shape.orderDatabaseUrl || !shape.postgresAdminUrl || !orderProcess || !shape.gatewayTls) {
      throw new Error('the read benchmark needs the distributed shape on a local PostgreSQL');
    }
    const gateway = httpClient(shape.url, { maxSockets: options.connections });
    // The order service listens over mutual TLS and believes the caller (`x-ordo-caller`) only from
    // the gateway's certificate (ADR 0024); the operators' tools certificate may read /metrics and
    // /readyz, not orders. So the direct phase stands in for the gateway: its certificate, expecting
    // the order service's, and the caller header the gateway forwards after verifying the token.
    // As many connections as the gateway keeps to one service: a pool of 512 opened hundreds of
    // TLS sessions in the first second and measured the handshakes, not the reads.
    const direct = httpClient(orderProcess.url, {
      maxSockets: CONNECTIONS_PER_SERVICE,
      tls: mtlsClientOptions(await readTlsMaterial(shape.gatewayTls), 'order'),
      credentialHeaders: (caller) => ({ [CALLER_HEADER]: caller }),
    });
    cleanUp.add('close the HTTP clients', async () => {
      gateway.close();
      direct.close();
    });
    await waitReady(gateway);
    const customers = await registerCustomers(gateway, 20);
    cleanUp.add('stop refreshing tokens', async () => customers.stop());
    const choices = await menuChoices(gateway, customers.token(0));
    await waitOrderable(gateway, customers.token(0), choices);

    const source = await pgStatusSource(shape.orderDatabaseUrl);
    cleanUp.add('close the status source', () => source.close());
    const tracker = new OrderTracker(source, 20);
    cleanUp.add('stop the tracker', () => tracker.stop());
    const callers = await customerCallers(gateway, customers);
    const place = orderPlacer(gateway, customers, choices, tracker);
    log(`placing ${options.orders} orders`);
    const targets: ReadTarget[] = [];
    const directTargets: ReadTarget[] = [];
    // orderPlacer gives call n to customer n % count; 16 in flight at a time.
    for (let n = 0; n < options.orders; n += 16) {
      const batch = Array.from({ length: Math.min(16, options.orders - n) }, () => place());
      const outcomes = await Promise.all(batch);
      outcomes.forEach((o, i) => {
        if (!o.id) return;
        const customer = (n + i) % customers.count;
        targets.push({ path: `/v1/orders/${o.id}`, credential: customers.token(customer) });
        directTargets.push({ path: `/v1/orders/${o.id}`, credential: callers[customer] as string });
      });
    }
    await waitForViews(gateway, targets, log);
    await checkDirectRead(direct, directTargets[0], orderProcess.url);

    const pgStats = await openPgStats(shape.postgresAdminUrl);
    cleanUp.add('close the stats connection', () => pgStats.close());
    const meter = createMeter({
      ordo: shape.processes.filter((p) => ['gateway', 'query', 'order'].includes(p.label)),
      natsPid: undefined,
      pg: { reader: pgStats, databases: [databaseOf(shape.orderDatabaseUrl)] },
      ownStatements: () => 0,
    });
    cleanUp.add('stop the meter', async () => meter.close());
    const byLabel = (label: string) => shape.processes.find((p) => p.label === label);
    const servedBy = (labels: string[]) => labels.flatMap((l) => byLabel(l) ?? []);
    const served = (processes: OrdoProcessInfo[]) =>
      Promise.all(processes.map((p) => readRouteCounts(p, '/v1/orders')));
    const measure = async (
      name: string,
      offered: string,
      servers: OrdoProcessInfo[],
      run: (seconds: number) => Promise<ReadResult>,
    ) => {
      log(`${name}: warm-up ${options.warmupS} s, then ${options.durationS} s`);
      if (options.warmupS > 0) await run(options.warmupS);
      const a = await meter.snapshot();
      const countsA = await served(servers);
      const loop = driverLoopDelay();
      const result = await run(options.durationS);
      const driverLoopDelayP99Ms = loop.stop();
      const b = await meter.snapshot();
      const countsB = await served(servers);
      const servedWithin5Ms = Object.fromEntries(servers.map((p, i) => [p.label, shareWithin(countsA[i], countsB[i])]));
      const p = phase(name, offered, result, meter.cost(a, b, result.ok), { servedWithin5Ms, driverLoopDelayP99Ms });
      log(`${name}: ${p.perSec.toFixed(0)} reads/s, p50 ${p.p50Ms.toFixed(2)} ms, p99 ${p.p99Ms.toFixed(2)} ms`);
      return p;
    };
    const viewServers = servedBy(['gateway', 'query']);
    const phases: ReadPhase[] = [];
    phases.push(
      await measure('views, through the gateway', `${options.rate}/s`, viewServers, (seconds) =>
        openLoopReads(gateway, targets, options.rate, seconds),
      ),
    );
    phases.push(
      await measure('order service tables, direct', `${options.rate}/s`, [orderProcess], (seconds) =>
        openLoopReads(direct, directTargets, options.rate, seconds),
      ),
    );
    phases.push(
      await measure(
        'views, through the gateway, saturation',
        `${options.concurrency} callers`,
        viewServers,
        (seconds) => closedLoopReads(gateway, targets, options.concurrency, seconds),
      ),
    );
    return {
      benchmark: 'ordo reads',
      at: new Date().toISOString(),
      machine: machineInfo(),
      settings: options,
      orders: targets.length,
      phases,
    };
  } finally {
    await cleanUp.run();
  }
}

/**
 * Each customer's `x-ordo-caller` as the gateway would forward it once it has verified their token:
 * the user their token names (`GET /v1/me`), role customer.
 */
async function customerCallers(gateway: HttpClient, customers: Customers): Promise<string[]> {
  const callers: string[] = [];
  for (let i = 0; i < customers.count; i++) {
    const me = await gateway.get<{ id: string; role: Role }>('/v1/me', customers.token(i));
    if (me.status !== 200) throw new Error(`GET /v1/me answered ${me.status}: ${JSON.stringify(me.body)}`);
    callers.push(encodeCaller({ kind: 'user', user: { id: me.body.id, role: me.body.role } }));
  }
  return callers;
}

/** One direct read before the phase: a refused certificate or caller fails the run, not every request. */
async function checkDirectRead(direct: HttpClient, target: ReadTarget | undefined, url: string): Promise<void> {
  if (!target) throw new Error('no order was placed');
  const res = await direct.get(target.path, target.credential);
  if (res.status !== 200) {
    throw new Error(`GET ${url}${target.path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
}

/** Until every order reads 200 through the gateway (the views are fed by events). */
async function waitForViews(http: HttpClient, targets: readonly ReadTarget[], log: (m: string) => void) {
  const deadline = Date.now() + 60_000;
  for (const target of targets) {
    while ((await http.get(target.path, target.credential)).status !== 200) {
      if (Date.now() > deadline) throw new Error(`${target.path} still not readable after 60 s`);
      await delay(50);
    }
  }
  log(`${targets.length} orders readable through the gateway`);
}

export function readMarkdown(report: ReadReport): string {
  const processes = [...new Set(report.phases.flatMap((p) => Object.keys(p.cpuMsPer1k)))];
  const head = [
    'phase',
    'offered',
    'reads/s',
    'p50 ms',
    'p99 ms',
    'p99.9 ms',
    'failed',
    'answered ≤ 5 ms by the server itself',
    'driver loop delay p99 ms',
    'order db cores',
    ...processes.map((p) => `CPU ms/1k: ${p}`),
  ];
  const pct = (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(2)} %` : '–');
  const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
  const rows = report.phases.map((p) => [
    p.name,
    p.offered,
    fmt(p.perSec, 0),
    fmt(p.p50Ms, 2),
    fmt(p.p99Ms, 2),
    fmt(p.p999Ms, 2),
    String(Object.values(p.failures).reduce((a, b) => a + b, 0)),
    Object.entries(p.servedWithin5Ms)
      .map(([label, share]) => `${label} ${pct(share)}`)
      .join(', '),
    fmt(p.driverLoopDelayP99Ms, 2),
    fmt(p.orderDbCores, 3),
    ...processes.map((name) => fmt(p.cpuMsPer1k[name] ?? Number.NaN)),
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    `## Ordo read benchmark, ${report.at}`,
    '',
    `Machine: ${report.machine.cpus} × ${report.machine.cpuModel}, Node ${report.machine.node}. Distributed shape, ` +
      `${report.orders} orders read round robin by their customers, ${report.settings.durationS} s per phase ` +
      `after a warm-up of ${report.settings.warmupS} s at the same load, not counted.`,
    '',
    line(head),
    line(head.map(() => '---')),
    ...rows.map(line),
    '',
  ].join('\n');
}

export function writeReadResults(report: ReadReport, options: ReadBenchOptions): Promise<string[]> {
  return writeRunResults(options, 'read', report, readMarkdown(report));
}

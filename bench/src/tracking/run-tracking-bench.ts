// The tracking benchmark: a distributed shape whose demo couriers each have an active delivery,
// 1,000 customers' SSE subscribers spread over those orders, then (1) pings at a fixed rate with
// the ping → subscriber latency, and (2) pings as fast as the couriers' apps can send them (the
// ingestion rate at saturation), counting what the endpoint refused (429/503).
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { startDistributedShape } from '../distributed-run.js';
import { machineInfo } from '../machine.js';
import { percentile } from '../percentiles.js';
import { pgStatusSource } from '../platform/completion/pg-status-source.js';
import { OrderTracker } from '../platform/completion/tracker.js';
import { registerCustomers } from '../platform/customers.js';
import { type HttpClient, httpClient } from '../platform/http-client.js';
import { orderPlacer } from '../platform/load/order-placer.js';
import { menuChoices } from '../platform/menu.js';
import { waitOrderable, waitReady } from '../platform/readiness.js';
import { CleanUp } from '../platform/shapes/clean-up.js';
import { type Subscriber, sseAgent, subscribe } from './sse-subscriber.js';

export interface TrackingBenchOptions {
  readonly postgresUrl: string;
  readonly natsUrl: string;
  readonly subscribers: number;
  /** Pings per second, all couriers together, in the latency phase. */
  readonly rate: number;
  /** Pings per request in the saturation phase. */
  readonly batch: number;
  /** Requests in flight per courier in the saturation phase. */
  readonly perCourier: number;
  readonly durationS: number;
  readonly jsonFile: string | undefined;
  readonly resultsDir: string;
}

export interface TrackingReport {
  readonly benchmark: 'ordo tracking';
  readonly at: string;
  readonly machine: ReturnType<typeof machineInfo>;
  readonly settings: TrackingBenchOptions;
  readonly couriers: number;
  readonly latency: {
    offeredPingsPerSec: number;
    acceptedPingsPerSec: number;
    deliveredEvents: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
  };
  readonly saturation: { acceptedPingsPerSec: number; requestsPerSec: number; refused: Record<string, number> };
}

interface Job {
  token: string;
  deliveryId: string;
  /** The last ping time sent, so each courier's pings keep increasing. */
  lastAt: number;
}

/**
 * `n` pings ending now, a millisecond apart where the clock allows, never older than the courier's
 * last (the endpoint refuses a batch out of time order, and one from the future).
 */
function pings(job: Job, n: number): Array<{ at: string; lat: number; lng: number }> {
  const end = Math.max(Date.now(), job.lastAt);
  const start = Math.max(job.lastAt, end - (n - 1));
  job.lastAt = end;
  return Array.from({ length: n }, (_, i) => {
    const at = Math.min(end, start + i);
    return { at: new Date(at).toISOString(), lat: 52.52 + (at % 1000) / 100_000, lng: 13.4 };
  });
}

async function send(http: HttpClient, job: Job, n: number): Promise<number> {
  const res = await http.post(
    '/v1/couriers/me/locations',
    { deliveryId: job.deliveryId, pings: pings(job, n) },
    job.token,
  );
  return res.status;
}

export async function runTrackingBench(
  options: TrackingBenchOptions,
  log: (m: string) => void,
): Promise<TrackingReport> {
  const cleanUp = new CleanUp(log);
  try {
    // One bench courier (the least the shape seeds); pings come from the demo couriers' accounts.
    const shape = await startDistributedShape(options, 1, log);
    cleanUp.add('close the shape', () => shape.close());
    if (!shape.orderDatabaseUrl || !shape.demoCredentialsFile) throw new Error('needs the distributed shape');
    const http = httpClient(shape.url, { maxSockets: 256 });
    cleanUp.add('close the HTTP client', async () => http.close());
    await waitReady(http);
    const accounts = JSON.parse(await readFile(shape.demoCredentialsFile, 'utf8')).accounts as Array<{
      email: string;
      password: string;
      role: string;
    }>;
    const couriers = accounts.filter((a) => a.role === 'courier');
    const customers = await registerCustomers(http, couriers.length);
    cleanUp.add('stop refreshing tokens', async () => customers.stop());
    const choices = await menuChoices(http, customers.token(0));
    const probes = await waitOrderable(http, customers.token(0), choices);

    // One order per courier, each customer's own; wait until each has its courier.
    const source = await pgStatusSource(shape.orderDatabaseUrl);
    cleanUp.add('close the status source', () => source.close());
    const tracker = new OrderTracker(source, 20);
    cleanUp.add('stop the tracker', () => tracker.stop());
    const place = orderPlacer(http, customers, choices, tracker);
    const outcomes = await Promise.all(couriers.map(() => place()));
    const customerOf = new Map(outcomes.map((o, i) => [o.id, i % customers.count]));
    log(`${outcomes.filter((o) => o.status === 'CONFIRMED').length} of ${outcomes.length} orders confirmed`);

    const jobs: Job[] = [];
    const subscribeTo: Array<{ orderId: string; token: string }> = [];
    for (const account of couriers) {
      const login = await http.post<{ accessToken: string }>('/v1/auth/login', {
        email: account.email,
        password: account.password,
      });
      const token = login.body.accessToken;
      const current = (await http.get<{ current: { id: string; orderId: string } | null }>('/v1/courier/jobs', token))
        .body.current;
      const customer = current ? customerOf.get(current.orderId) : undefined;
      if (!current || customer === undefined) continue; // a probe order's courier: no subscriber of ours
      jobs.push({ token, deliveryId: current.id, lastAt: 0 });
      subscribeTo.push({ orderId: current.orderId, token: customers.token(customer) });
    }
    if (jobs.length === 0) throw new Error(`no courier has a bench order (probes: ${probes.length})`);
    log(`${jobs.length} couriers on a delivery; opening ${options.subscribers} subscribers`);

    let phaseStart = Number.POSITIVE_INFINITY;
    const ages: number[] = [];
    const subscribers: Subscriber[] = [];
    cleanUp.add('close the subscribers', async () => {
      for (const s of subscribers) s.close();
      sseAgent.destroy();
    });
    for (let i = 0; i < options.subscribers; i++) {
      const target = subscribeTo[i % subscribeTo.length] as { orderId: string; token: string };
      subscribers.push(
        await subscribe(
          shape.url,
          `/v1/orders/${target.orderId}/track`,
          target.token,
          (age, at) => {
            if (at >= phaseStart) ages.push(age);
          },
          () => {},
        ),
      );
    }

    // 1. A fixed rate: every courier sends a batch every 100 ms.
    const perBatch = Math.max(1, Math.round(options.rate / jobs.length / 10));
    log(`latency: ${perBatch * jobs.length * 10} pings/s for ${options.durationS} s`);
    phaseStart = Date.now();
    let accepted = 0;
    const started = performance.now();
    const ticks = options.durationS * 10;
    for (let tick = 0; tick < ticks; tick++) {
      const due = started + tick * 100;
      await delay(Math.max(0, due - performance.now()));
      for (const job of jobs) {
        void send(http, job, perBatch).then((status) => {
          if (status === 202) accepted += perBatch;
        });
      }
    }
    await delay(2_000); // the last pings reach the subscribers
    const latencyWindowS = (performance.now() - started) / 1000 - 2;
    const sorted = ages.sort((a, b) => a - b);
    phaseStart = Number.POSITIVE_INFINITY;

    // 2. Saturation: batches back to back, `perCourier` requests in flight per courier. The
    // subscribers are closed first: this phase measures ingestion, not the fan-out.
    for (const subscriber of subscribers.splice(0)) subscriber.close();
    log(`saturation: batches of ${options.batch}, ${options.perCourier} in flight per courier, ${options.durationS} s`);
    const refused: Record<string, number> = {};
    let acceptedPings = 0;
    let requests = 0;
    const end = performance.now() + options.durationS * 1000;
    const satStart = performance.now();
    await Promise.all(
      jobs.flatMap((job) =>
        Array.from({ length: options.perCourier }, async () => {
          while (performance.now() < end) {
            const status = await send(http, job, options.batch).catch(() => 0);
            requests++;
            if (status === 202) acceptedPings += options.batch;
            else refused[status] = (refused[status] ?? 0) + 1;
          }
        }),
      ),
    );
    const satS = (performance.now() - satStart) / 1000;
    return {
      benchmark: 'ordo tracking',
      at: new Date().toISOString(),
      machine: machineInfo(),
      settings: options,
      couriers: jobs.length,
      latency: {
        offeredPingsPerSec: perBatch * jobs.length * 10,
        acceptedPingsPerSec: accepted / latencyWindowS,
        deliveredEvents: sorted.length,
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
        maxMs: sorted.at(-1) ?? Number.NaN,
      },
      saturation: { acceptedPingsPerSec: acceptedPings / satS, requestsPerSec: requests / satS, refused },
    };
  } finally {
    await cleanUp.run();
  }
}

export function trackingMarkdown(r: TrackingReport): string {
  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '–');
  return [
    `## Ordo tracking benchmark, ${r.at}`,
    '',
    `Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}. Distributed shape, ${r.couriers} couriers ` +
      `on a delivery, ${r.settings.subscribers} SSE subscribers over their orders, ${r.settings.durationS} s per phase.`,
    '',
    '| phase | offered pings/s | accepted pings/s | events delivered | ping → subscriber p50 ms | p99 ms | max ms | refused |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    `| fixed rate | ${r.latency.offeredPingsPerSec} | ${f(r.latency.acceptedPingsPerSec, 0)} | ${r.latency.deliveredEvents} | ${f(r.latency.p50Ms)} | ${f(r.latency.p99Ms)} | ${f(r.latency.maxMs)} | – |`,
    `| saturation, no subscribers (batches of ${r.settings.batch}, ${r.settings.perCourier} in flight per courier) | – | ${f(r.saturation.acceptedPingsPerSec, 0)} | – | – | – | – | ${JSON.stringify(r.saturation.refused)} |`,
    '',
  ].join('\n');
}

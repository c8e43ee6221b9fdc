// The tracking benchmark: a distributed shape with couriers of its own (accounts that log in), one
// order of a customer of its own on each courier's delivery, and SSE subscribers that are those
// customers following their own orders; then (1) the couriers' apps sending pings at a fixed rate,
// with the ping → subscriber latency and the events delivered, and (2) pings as fast as a few
// couriers can send them (the ingestion rate at saturation), counting what the endpoint refused.
import { setTimeout as delay } from 'node:timers/promises';
import { startDistributedShape } from '../distributed-run.js';
import { machineInfo } from '../machine.js';
import { percentile } from '../percentiles.js';
import { pgStatusSource } from '../platform/completion/pg-status-source.js';
import { OrderTracker } from '../platform/completion/tracker.js';
import { registerCustomers } from '../platform/customers.js';
import { httpClient } from '../platform/http-client.js';
import { orderPlacer } from '../platform/load/order-placer.js';
import { menuChoices } from '../platform/menu.js';
import { waitOrderable, waitReady } from '../platform/readiness.js';
import { CleanUp } from '../platform/shapes/clean-up.js';
import { Audience } from './audience.js';
import { createCourierAccounts, mapInFlight } from './courier-accounts.js';
import {
  type CourierJob,
  fixedRatePings,
  MAX_PINGS_PER_REQUEST,
  type SaturationResult,
  saturatePings,
} from './ping-load.js';

export interface TrackingBenchOptions {
  readonly postgresUrl: string;
  readonly natsUrl: string;
  /** Couriers on a delivery (accounts created, one order each). */
  readonly couriers: number;
  /** SSE subscribers in all, spread evenly over the couriers' orders. */
  readonly subscribers: number;
  /** Instead of `subscribers`: this many on every order. */
  readonly subscribersPerOrder: number | undefined;
  /** Pings per second, all couriers together, in the latency phase. */
  readonly rate: number;
  /** Each courier's app sends a batch this often in the latency phase. */
  readonly intervalMs: number;
  /** Pings per request in the saturation phase. */
  readonly batch: number;
  /** Requests in flight per courier in the saturation phase. */
  readonly perCourier: number;
  /** Couriers sending in the saturation phase. */
  readonly saturationCouriers: number;
  readonly durationS: number;
  readonly jsonFile: string | undefined;
  readonly resultsDir: string;
}

export interface TrackingReport {
  readonly benchmark: 'ordo tracking';
  readonly at: string;
  readonly machine: ReturnType<typeof machineInfo>;
  readonly settings: TrackingBenchOptions;
  /** Couriers on a delivery of the benchmark's orders. */
  readonly couriers: number;
  readonly subscribers: number;
  /** Subscribers per order (the fan-out of every ping); fractional when they do not divide evenly. */
  readonly subscribersPerOrder: number;
  readonly latency: {
    pingsPerBatch: number;
    intervalMs: number;
    offeredPingsPerSec: number;
    acceptedPingsPerSec: number;
    refused: Record<string, number>;
    /** SSE events of every kind the subscribers received per second while the couriers sent. */
    eventsPerSec: number;
    /** Position events of the phase's pings received / that should have been (accepted pings × their subscribers). */
    positionEvents: number;
    positionEventsExpected: number;
    /** Courier's request sent → position event at a subscriber. */
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
    /** Streams that broke during the phase, and subscriptions refused and tried again. */
    subscriberErrors: number;
    subscribeRetries: number;
  };
  readonly saturation: SaturationResult & { couriers: number };
}

export async function runTrackingBench(
  options: TrackingBenchOptions,
  log: (m: string) => void,
): Promise<TrackingReport> {
  if ((options.rate * options.intervalMs) / 1000 / options.couriers > MAX_PINGS_PER_REQUEST) {
    throw new Error(
      `${options.rate} pings/s from ${options.couriers} couriers every ${options.intervalMs} ms is more than ` +
        `${MAX_PINGS_PER_REQUEST} pings per request: lower --interval-ms or --rate, or add --couriers`,
    );
  }
  const cleanUp = new CleanUp(log);
  try {
    // One bench courier (the least the shape seeds); it is made unavailable with the demo's.
    const shape = await startDistributedShape(options, 1, log);
    cleanUp.add('close the shape', () => shape.close());
    if (!shape.orderDatabaseUrl || !shape.deliveryDatabaseUrl || !shape.demoCredentialsFile) {
      throw new Error('the tracking benchmark needs the distributed shape on a local PostgreSQL');
    }
    const http = httpClient(shape.url, { maxSockets: 256 });
    cleanUp.add('close the HTTP client', async () => http.close());
    await waitReady(http);
    log(`registering ${options.couriers} customers`);
    const customers = await registerCustomers(http, options.couriers);
    cleanUp.add('stop refreshing tokens', async () => customers.stop());
    const choices = await menuChoices(http, customers.token(0));
    // The readiness probes (an order per restaurant) take a courier each too.
    const probes = new Set(choices.map((c) => c.restaurantId)).size;
    const accounts = await createCourierAccounts(
      http,
      {
        count: options.couriers + probes,
        demoCredentialsFile: shape.demoCredentialsFile,
        deliveryDatabaseUrl: shape.deliveryDatabaseUrl,
      },
      log,
    );
    await waitOrderable(http, customers.token(0), choices);

    // One order per customer; orderPlacer gives call n to customer n % count. 16 in flight.
    const source = await pgStatusSource(shape.orderDatabaseUrl);
    cleanUp.add('close the status source', () => source.close());
    const tracker = new OrderTracker(source, 20);
    cleanUp.add('stop the tracker', () => tracker.stop());
    const place = orderPlacer(http, customers, choices, tracker);
    const customerOf = new Map<string, number>();
    let confirmed = 0;
    await mapInFlight(options.couriers, 16, async (n) => {
      // A saga still running after two minutes is left behind, not waited for.
      const outcome = await Promise.race([place(), delay(120_000, undefined, { ref: false })]);
      if (outcome?.id) customerOf.set(outcome.id, n % customers.count);
      if (outcome?.status === 'CONFIRMED') confirmed++;
    });
    log(`${confirmed} of ${options.couriers} orders confirmed`);

    const jobs: CourierJob[] = [];
    const tokenOf = new Map<string, string>();
    for (const account of accounts) {
      const current = (
        await http.get<{ current: { id: string; orderId: string } | null }>('/v1/courier/jobs', account.token)
      ).body.current;
      const customer = current ? customerOf.get(current.orderId) : undefined;
      if (!current || customer === undefined) continue; // free, or on a probe order
      jobs.push({ token: account.token, deliveryId: current.id, orderId: current.orderId, lastAt: 0 });
      tokenOf.set(current.orderId, customers.token(customer));
    }
    if (jobs.length === 0) throw new Error('no courier has an order of the benchmark');

    // Subscriber i follows order i mod N: the subscribers spread evenly over the orders.
    const subscriberCount = options.subscribersPerOrder
      ? options.subscribersPerOrder * jobs.length
      : options.subscribers;
    log(`${jobs.length} couriers on a delivery; opening ${subscriberCount} subscribers`);
    const followers = Array.from({ length: subscriberCount }, (_, i) => {
      const { orderId } = jobs[i % jobs.length] as CourierJob;
      return { orderId, token: tokenOf.get(orderId) as string };
    });
    const audience = await Audience.open(shape.url, followers, log);
    cleanUp.add('close the subscribers', async () => audience.close());

    // 1. The couriers' apps: every courier a batch every `intervalMs`, all together `rate` pings/s.
    const pingsPerBatch = Math.min(
      MAX_PINGS_PER_REQUEST,
      Math.max(1, Math.round((options.rate * options.intervalMs) / 1000 / jobs.length)),
    );
    const offered = (pingsPerBatch * jobs.length * 1000) / options.intervalMs;
    log(
      `latency: ${offered} pings/s (${pingsPerBatch} per batch, every ${options.intervalMs} ms) for ${options.durationS} s`,
    );
    const eventsBefore = audience.events;
    let expected = 0;
    const fixed = await fixedRatePings(
      http,
      jobs,
      { pingsPerBatch, intervalMs: options.intervalMs, durationS: options.durationS },
      {
        sent: (job, times, at) => audience.sent(job.orderId, times, at),
        accepted: (job, pings) => {
          expected += pings * audience.subscribersOf(job.orderId);
        },
      },
    );
    const eventsPerSec = (audience.events - eventsBefore) / fixed.windowS;
    await audience.settle(expected);
    const sorted = audience.latencies.sort((a, b) => a - b);
    const subscriberErrors = audience.errors; // closing them below counts too

    // 2. Saturation: batches back to back, `perCourier` requests in flight per courier. The
    // subscribers are closed first: this phase measures ingestion, not the fan-out.
    audience.close();
    const saturating = jobs.slice(0, options.saturationCouriers);
    log(
      `saturation: ${saturating.length} couriers, batches of ${options.batch}, ` +
        `${options.perCourier} in flight per courier, ${options.durationS} s`,
    );
    const saturation = await saturatePings(http, saturating, {
      batch: options.batch,
      perCourier: options.perCourier,
      durationS: options.durationS,
    });
    return {
      benchmark: 'ordo tracking',
      at: new Date().toISOString(),
      machine: machineInfo(),
      settings: options,
      couriers: jobs.length,
      subscribers: audience.size,
      subscribersPerOrder: audience.size / jobs.length,
      latency: {
        pingsPerBatch,
        intervalMs: options.intervalMs,
        offeredPingsPerSec: offered,
        acceptedPingsPerSec: fixed.acceptedPings / options.durationS,
        refused: fixed.refused,
        eventsPerSec,
        positionEvents: sorted.length,
        positionEventsExpected: expected,
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
        maxMs: sorted.at(-1) ?? Number.NaN,
        subscriberErrors,
        subscribeRetries: audience.retries,
      },
      saturation: { ...saturation, couriers: saturating.length },
    };
  } finally {
    await cleanUp.run();
  }
}

export function trackingMarkdown(r: TrackingReport): string {
  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '–');
  const refused = (counts: Record<string, number>) => (Object.keys(counts).length ? JSON.stringify(counts) : '0');
  const l = r.latency;
  const s = r.saturation;
  return [
    `## Ordo tracking benchmark, ${r.at}`,
    '',
    `Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}. Distributed shape, ${r.couriers} couriers ` +
      `on a delivery, ${r.subscribers} SSE subscribers (customers following their own orders, ${f(r.subscribersPerOrder)} per order), ` +
      `${r.settings.durationS} s per phase. Latency: the courier's request sent → the position event at a subscriber; ` +
      `${l.positionEvents} of ${l.positionEventsExpected} position events arrived` +
      (l.subscriberErrors || l.subscribeRetries
        ? ` (${l.subscriberErrors} streams broke, ${l.subscribeRetries} subscriptions were tried again).`
        : '.'),
    '',
    '| phase | couriers | subscribers per order | offered pings/s | accepted pings/s | SSE events delivered/s | ping → subscriber p50 ms | p99 ms | max ms | refused |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    `| fixed rate (a batch of ${l.pingsPerBatch} every ${l.intervalMs} ms per courier) | ${r.couriers} | ${f(r.subscribersPerOrder)} | ${f(l.offeredPingsPerSec, 0)} | ${f(l.acceptedPingsPerSec, 0)} | ${f(l.eventsPerSec, 0)} | ${f(l.p50Ms)} | ${f(l.p99Ms)} | ${f(l.maxMs)} | ${refused(l.refused)} |`,
    `| saturation, no subscribers (batches of ${r.settings.batch}, ${r.settings.perCourier} in flight per courier) | ${s.couriers} | – | – | ${f(s.acceptedPingsPerSec, 0)} | – | – | – | – | ${refused(s.refused)} |`,
    '',
  ].join('\n');
}

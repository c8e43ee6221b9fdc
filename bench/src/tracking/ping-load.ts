// The couriers' side of the tracking benchmark: `POST /v1/couriers/me/locations` as a courier app
// sends it (a batch of the GPS fixes taken since the last one, once per interval, the couriers'
// sends spread evenly over the interval), and back to back as fast as the endpoint takes them.
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { HttpClient } from '../platform/http-client.js';

/** The most pings one request may carry (`MAX_PINGS_PER_BATCH` of the delivery contract). */
export const MAX_PINGS_PER_REQUEST = 100;

export interface CourierJob {
  readonly token: string;
  readonly deliveryId: string;
  readonly orderId: string;
  /** The last ping time sent (epoch ms), so each courier's pings keep increasing. */
  lastAt: number;
}

export interface FixedRateSettings {
  /** Pings in each courier's batch. */
  readonly pingsPerBatch: number;
  /** Each courier sends a batch this often. */
  readonly intervalMs: number;
  readonly durationS: number;
}

export interface FixedRateResult {
  readonly requests: number;
  readonly acceptedPings: number;
  /** Answers other than 202 (by status), and failed requests (by message). */
  readonly refused: Record<string, number>;
  /** From the first send to the last answer. */
  readonly windowS: number;
}

export interface SaturationResult {
  readonly acceptedPingsPerSec: number;
  readonly requestsPerSec: number;
  readonly refused: Record<string, number>;
}

export interface PingHooks {
  /** A batch goes out: its pings' times and the send time (epoch ms). */
  sent(job: CourierJob, pingTimesMs: readonly number[], sentAtMs: number): void;
  /** The endpoint took `pings` of the courier's (202). */
  accepted(job: CourierJob, pings: number): void;
}

function ping(atMs: number): { at: string; lat: number; lng: number } {
  return { at: new Date(atMs).toISOString(), lat: 52.52 + (atMs % 1000) / 100_000, lng: 13.4 };
}

async function post(http: HttpClient, job: CourierJob, times: readonly number[]): Promise<number | string> {
  try {
    const res = await http.post(
      '/v1/couriers/me/locations',
      { deliveryId: job.deliveryId, pings: times.map(ping) },
      job.token,
    );
    return res.status;
  } catch (error) {
    return (error as Error).message.slice(0, 60);
  }
}

/**
 * A courier app's batch: `n` fixes `spacingMs` apart, the newest taken now, each after the last
 * one sent (the feed keeps one event per courier per millisecond, and refuses none older).
 */
export function fixTimes(job: CourierJob, n: number, spacingMs: number, nowMs: number): number[] {
  const times: number[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const previous = times.at(-1) ?? job.lastAt;
    times.push(Math.max(previous + 1, Math.round(nowMs - i * spacingMs)));
  }
  job.lastAt = times.at(-1) as number;
  return times;
}

/**
 * A saturation batch: `n` pings a millisecond apart ending now; when a courier's batches follow
 * faster than that, they share its last time (allowed; never in the future). The same batches as
 * this benchmark always sent at saturation, so the figure compares with earlier runs.
 */
function backToBackTimes(job: CourierJob, n: number): number[] {
  const end = Math.max(Date.now(), job.lastAt);
  const start = Math.max(job.lastAt, end - (n - 1));
  job.lastAt = end;
  return Array.from({ length: n }, (_, i) => Math.min(end, start + i));
}

/**
 * Every courier sends a batch every `intervalMs` for `durationS`, courier i at i/N of the interval
 * (a schedule that does not drift: late timers send what is due at once).
 */
export async function fixedRatePings(
  http: HttpClient,
  jobs: readonly CourierJob[],
  settings: FixedRateSettings,
  hooks: PingHooks,
): Promise<FixedRateResult> {
  const refused: Record<string, number> = {};
  let acceptedPings = 0;
  let requests = 0;
  const spacingMs = settings.intervalMs / settings.pingsPerBatch;
  const stepMs = settings.intervalMs / jobs.length;
  const total = Math.round((settings.durationS * 1000) / stepMs);
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  for (let s = 0; s < total; s++) {
    const wait = start + s * stepMs - performance.now();
    if (wait > 1) await delay(wait);
    const job = jobs[s % jobs.length] as CourierJob;
    const sentAtMs = Date.now();
    const times = fixTimes(job, settings.pingsPerBatch, spacingMs, sentAtMs);
    hooks.sent(job, times, sentAtMs);
    const p = post(http, job, times).then((status) => {
      requests++;
      if (status === 202) {
        acceptedPings += times.length;
        hooks.accepted(job, times.length);
      } else refused[status] = (refused[status] ?? 0) + 1;
      inFlight.delete(p);
    });
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  return { requests, acceptedPings, refused, windowS: (performance.now() - start) / 1000 };
}

/** Batches of `batch` pings back to back, `perCourier` requests in flight per courier, for `durationS`. */
export async function saturatePings(
  http: HttpClient,
  jobs: readonly CourierJob[],
  settings: { batch: number; perCourier: number; durationS: number },
): Promise<SaturationResult> {
  const refused: Record<string, number> = {};
  let acceptedPings = 0;
  let requests = 0;
  const start = performance.now();
  const end = start + settings.durationS * 1000;
  await Promise.all(
    jobs.flatMap((job) =>
      Array.from({ length: settings.perCourier }, async () => {
        while (performance.now() < end) {
          const status = await post(http, job, backToBackTimes(job, settings.batch));
          requests++;
          if (status === 202) acceptedPings += settings.batch;
          else refused[status] = (refused[status] ?? 0) + 1;
        }
      }),
    ),
  );
  const seconds = (performance.now() - start) / 1000;
  return { acceptedPingsPerSec: acceptedPings / seconds, requestsPerSec: requests / seconds, refused };
}

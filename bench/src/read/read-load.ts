// Read load: GET requests at a fixed offered rate (open loop: a request every 1/rate s whether or
// not earlier ones answered, so a slow server shows as latency, not as a lower rate), or as many
// as `concurrency` callers can make back to back (closed loop: the saturation rate).
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { HttpClient } from '../platform/http-client.js';

export interface ReadTarget {
  /** `/v1/orders/<id>` */
  readonly path: string;
  /** The order's customer as the client sends them: their access token, or (direct) their caller header. */
  readonly credential: string;
}

export interface ReadResult {
  readonly requests: number;
  readonly ok: number;
  /** Answers other than 200, by status. */
  readonly failures: Record<string, number>;
  readonly windowS: number;
  readonly perSec: number;
  /** Latency of the 200s, ms, sorted. */
  readonly latenciesMs: number[];
}

async function one(http: HttpClient, target: ReadTarget, result: Mutable): Promise<void> {
  const started = performance.now();
  try {
    const status = await http.status(target.path, target.credential);
    if (status === 200) result.latencies.push(performance.now() - started);
    else result.failures[status] = (result.failures[status] ?? 0) + 1;
  } catch (error) {
    const key = (error as Error).message.slice(0, 60);
    result.failures[key] = (result.failures[key] ?? 0) + 1;
  }
  result.requests++;
}

interface Mutable {
  requests: number;
  latencies: number[];
  failures: Record<string, number>;
}

function finish(result: Mutable, windowMs: number): ReadResult {
  const latenciesMs = result.latencies.sort((a, b) => a - b);
  return {
    requests: result.requests,
    ok: latenciesMs.length,
    failures: result.failures,
    windowS: windowMs / 1000,
    perSec: (latenciesMs.length * 1000) / windowMs,
    latenciesMs,
  };
}

/** `rate` requests a second for `seconds`, each to the next target (round robin). */
export async function openLoopReads(
  http: HttpClient,
  targets: readonly ReadTarget[],
  rate: number,
  seconds: number,
): Promise<ReadResult> {
  const result: Mutable = { requests: 0, latencies: [], failures: {} };
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  const total = Math.round(rate * seconds);
  let sent = 0;
  while (sent < total) {
    // Send everything that is due by now (timers fire late under load; the schedule does not drift).
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    for (; sent < due; sent++) {
      const p = one(http, targets[sent % targets.length] as ReadTarget, result).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await delay(1);
  }
  await Promise.all(inFlight);
  return finish(result, performance.now() - start);
}

/** `concurrency` callers reading back to back for `seconds`. */
export async function closedLoopReads(
  http: HttpClient,
  targets: readonly ReadTarget[],
  concurrency: number,
  seconds: number,
): Promise<ReadResult> {
  const result: Mutable = { requests: 0, latencies: [], failures: {} };
  const start = performance.now();
  const end = start + seconds * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) await one(http, targets[next++ % targets.length] as ReadTarget, result);
    }),
  );
  return finish(result, performance.now() - start);
}

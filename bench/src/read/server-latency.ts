// Where a read's tail is spent: how many of a route's answers each process gave within a bound by
// its own clock (its `http_request_duration_seconds` histogram, from the request's arrival in
// Fastify to the response), and how late the driver's own event loop ran. A read the driver saw
// take 10 ms that the gateway and the query service each answered within 5 ms spent the rest
// queued outside their handlers: in the kernel, waiting for a core, or in the driver.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readMetricsText } from '../platform/meter/memory.js';
import type { OrdoProcessInfo } from '../platform/shapes/shape.js';

/** The histogram's bucket bound the share is counted at, seconds (one of its buckets). */
export const WITHIN_S = 0.005;

export interface RouteCounts {
  /** Answers of the route within `WITHIN_S`. */
  readonly within: number;
  readonly total: number;
}

/**
 * Sums the GET 200 series of the histogram whose route pattern starts with `routePrefix`, in a
 * Prometheus text exposition (the gateway labels a proxied read by its proxy's pattern, the query
 * service by its own route).
 */
export function routeCounts(text: string, routePrefix: string, boundS = WITHIN_S): RouteCounts {
  let within = 0;
  let total = 0;
  const name = 'http_request_duration_seconds';
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const open = line.indexOf('{');
    const close = line.lastIndexOf('}');
    if (open < 0 || close < open) continue;
    const labels = labelsOf(line.slice(open + 1, close));
    if (!labels.route?.startsWith(routePrefix) || labels.method !== 'GET' || labels.status_code !== '200') continue;
    const value = Number(line.slice(close + 1).trim());
    const series = line.slice(0, open);
    if (series === `${name}_bucket` && Number(labels.le) === boundS) within += value;
    else if (series === `${name}_count`) total += value;
  }
  return { within, total };
}

function labelsOf(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const match of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[match[1] as string] = match[2] as string;
  return labels;
}

/** The process's counts for `routePrefix` now, or undefined when its metrics cannot be read. */
export async function readRouteCounts(process: OrdoProcessInfo, routePrefix: string): Promise<RouteCounts | undefined> {
  const text = await readMetricsText(process.url, process.tls);
  return text === undefined ? undefined : routeCounts(text, routePrefix);
}

/** The share of the answers between two readings given within the bound (NaN when unknown). */
export function shareWithin(a: RouteCounts | undefined, b: RouteCounts | undefined): number {
  if (!a || !b || b.total <= a.total) return Number.NaN;
  return (b.within - a.within) / (b.total - a.total);
}

const LOOP_SAMPLE_MS = 5;

/**
 * Samples this process's event-loop delay until `stop()`, which returns its p99 in ms beyond the
 * sampling interval (Node's monitor records the whole time between two ticks of its timer).
 */
export function driverLoopDelay(): { stop(): number } {
  const histogram = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
  histogram.enable();
  return {
    stop() {
      histogram.disable();
      return Math.max(0, histogram.percentile(99) / 1e6 - LOOP_SAMPLE_MS);
    },
  };
}

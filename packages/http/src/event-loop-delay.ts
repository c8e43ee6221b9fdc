// The event loop's delay, as prom-client names it (`nodejs_eventloop_lag_{min,max,mean,stddev,
// p50,p90,p99}_seconds`), measured without the sampling interval. Node's monitor records the whole
// time between two of its timer's ticks: sampling every 100 ms, an idle process reported a p99
// "lag" of 0.100 s. These gauges report that time minus the interval, over the time since the last
// scrape, as prom-client does.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

const SUMMARY = ['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99'] as const;
type Statistic = (typeof SUMMARY)[number];

/** The gauge for one statistic, e.g. `nodejs_eventloop_lag_p99_seconds`. */
export const eventLoopLagName = (statistic: Statistic): string => `nodejs_eventloop_lag_${statistic}_seconds`;

export interface EventLoopDelayMonitor {
  /** Ticks recorded since the last scrape. */
  samples(): number;
  stop(): void;
}

/**
 * Registers the seven delay gauges on `registry` (replacing prom-client's own, if its default
 * metrics put them there) and starts the monitor behind them.
 */
export function registerEventLoopDelay(registry: Registry, resolutionMs: number): EventLoopDelayMonitor {
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  const intervalNs = resolutionMs * 1e6;
  /** Nanoseconds between ticks → seconds of delay beyond the interval. */
  const delay = (ns: number) => (Number.isFinite(ns) ? Math.max(0, ns - intervalNs) / 1e9 : 0);
  const read: Record<Statistic, () => number> = {
    min: () => delay(histogram.min),
    max: () => delay(histogram.max),
    mean: () => delay(histogram.mean),
    // A constant offset leaves the spread as it is.
    stddev: () => (Number.isFinite(histogram.stddev) ? histogram.stddev / 1e9 : 0),
    p50: () => delay(histogram.percentile(50)),
    p90: () => delay(histogram.percentile(90)),
    p99: () => delay(histogram.percentile(99)),
  };
  const gauges = new Map<Statistic, Gauge>();
  for (const statistic of SUMMARY) {
    const name = eventLoopLagName(statistic);
    registry.removeSingleMetric(name);
    gauges.set(
      statistic,
      new Gauge({
        name,
        help: `The ${statistic} of the event loop's delay since the last scrape, in seconds (the sampling interval left out).`,
        registers: [registry],
        // The first gauge a scrape reads sets all seven, then starts the next window.
        ...(statistic === SUMMARY[0]
          ? {
              collect() {
                for (const [s, gauge] of gauges) gauge.set(read[s]());
                histogram.reset();
              },
            }
          : {}),
      }),
    );
  }
  return { samples: () => histogram.count, stop: () => histogram.disable() };
}

import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { eventLoopLagName, registerEventLoopDelay } from './event-loop-delay.js';
import { registerMetrics } from './metrics.js';

/** Keeps the event loop busy for `ms`: a stall the monitor must see. */
function block(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy
  }
}

describe('event loop delay gauges', () => {
  it('when the loop stalls once for 250 ms, then max shows the stall and min shows no sampling interval', async () => {
    const registry = new Registry();
    const monitor = registerEventLoopDelay(registry, 100);
    try {
      await expect.poll(() => monitor.samples()).toBeGreaterThanOrEqual(1);
      block(250);
      await expect.poll(() => monitor.samples(), { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
      const value = async (statistic: Parameters<typeof eventLoopLagName>[0]) =>
        (await registry.getSingleMetric(eventLoopLagName(statistic))?.get())?.values[0]?.value ?? Number.NaN;
      // A scrape reads `min` first, which sets all seven and starts a new window.
      const min = await value('min');
      const max = await value('max');
      const p50 = await value('p50');
      // The tick after the stall came at least 150 ms after it was due.
      expect(max).toBeGreaterThanOrEqual(0.14);
      // Node's monitor alone would report every tick as at least the 100 ms between them.
      expect(min).toBeLessThan(0.05);
      expect(p50).toBeLessThan(max);
      expect(monitor.samples()).toBe(0);
    } finally {
      monitor.stop();
    }
  });

  it('when an app exposes its metrics, then each delay gauge appears once, next to prom-client’s other defaults', async () => {
    const app = Fastify();
    registerMetrics(app);
    try {
      const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      for (const statistic of ['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99'] as const) {
        expect(text.match(new RegExp(`^# TYPE ${eventLoopLagName(statistic)} gauge$`, 'gm'))).toHaveLength(1);
      }
      expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
      expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    } finally {
      await app.close();
    }
  });
});

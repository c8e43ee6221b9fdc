import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { routeCounts, shareWithin } from './server-latency.js';

describe("a process's own answer times, from its duration histogram", () => {
  const exposition = async () => {
    const registry = new Registry();
    const duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'as the services register it',
      labelNames: ['route', 'method', 'status_code'] as const,
      buckets: [0.005, 0.01, 0.025],
      registers: [registry],
    });
    const read = { route: '/v1/orders/:id', method: 'GET', status_code: '200' };
    for (const seconds of [0.001, 0.004, 0.005, 0.02]) duration.observe(read, seconds);
    duration.observe({ ...read, route: '/v1/orders/*' }, 0.009);
    duration.observe({ ...read, status_code: '404' }, 0.001);
    duration.observe({ ...read, method: 'POST' }, 0.001);
    duration.observe({ ...read, route: '/v1/restaurants/:id' }, 0.001);
    return registry.metrics();
  };

  it('when reads of routes under a prefix were answered, then it counts their GET 200s and those within 5 ms', async () => {
    expect(routeCounts(await exposition(), '/v1/orders')).toEqual({ within: 3, total: 5 });
    expect(routeCounts(await exposition(), '/v1/restaurants')).toEqual({ within: 1, total: 1 });
    expect(routeCounts(await exposition(), '/v1/couriers')).toEqual({ within: 0, total: 0 });
  });

  it('when two readings are compared, then the share is of the answers between them, unknown without any', () => {
    expect(shareWithin({ within: 10, total: 10 }, { within: 19, total: 20 })).toBe(0.9);
    expect(Number.isNaN(shareWithin({ within: 10, total: 10 }, { within: 10, total: 10 }))).toBe(true);
    expect(Number.isNaN(shareWithin(undefined, { within: 1, total: 1 }))).toBe(true);
  });
});

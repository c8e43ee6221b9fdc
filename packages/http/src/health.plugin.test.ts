import { AppError, Errors } from '@ordo/errors';
import type { FastifyInstance } from 'fastify';
import { Counter } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp } from './create-http-app.js';

let app: FastifyInstance;
afterEach(() => app?.close());

const ok = (name: string) => ({ name, check: async () => {} });
const TOKEN = 'metrics-token-for-the-health-plugin-tests';
const OPERATOR = { authorization: `Bearer ${TOKEN}` };
const detail = (overrides: Parameters<typeof createHttpApp>[0] = {}) =>
  createHttpApp({ metricsToken: TOKEN, ...overrides });

describe('healthPlugin', () => {
  it('when the process is up, then GET /healthz is 200 ok', async () => {
    app = await createHttpApp({ checks: [{ name: 'db', check: () => Promise.reject(new Error('down')) }] });
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('when every check passes, then the public GET /readyz is 200 with the status only', async () => {
    app = await detail({ checks: [ok('db'), ok('broker')] });
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready' });
  });

  it('when a check fails, then the public GET /readyz is 503 ORDO_ERR_HTTP_NOT_READY without naming it', async () => {
    app = await detail({ checks: [ok('db'), { name: 'broker', check: () => Promise.reject(new Error('down')) }] });
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: { code: 'ORDO_ERR_HTTP_NOT_READY', message: Errors.NOT_READY.message } });
  });

  it('when GET /readyz?detail=true comes without the metrics token, a wrong one, or none is configured, then 401', async () => {
    app = await detail({ checks: [ok('db')] });
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: TOKEN }]) {
      const res = await app.inject({ method: 'GET', url: '/readyz?detail=true', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('ORDO_ERR_HTTP_METRICS_TOKEN_REQUIRED');
    }
    await app.close();
    app = await createHttpApp({ checks: [ok('db')] });
    const closed = await app.inject({ method: 'GET', url: '/readyz?detail=true', headers: OPERATOR });
    expect(closed.statusCode).toBe(401);
    expect(closed.json().error.code).toBe('ORDO_ERR_HTTP_METRICS_TOKEN_REQUIRED');
  });

  it('when every readiness check passes, then GET /readyz?detail=true is 200 with each result', async () => {
    app = await detail({ checks: [ok('db'), ok('broker')] });
    const res = await app.inject({ method: 'GET', url: '/readyz?detail=true', headers: OPERATOR });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ready',
      checks: [
        { name: 'db', status: 'ok', durationMs: expect.any(Number) },
        { name: 'broker', status: 'ok', durationMs: expect.any(Number) },
      ],
    });
  });

  it('when a check fails, then GET /readyz?detail=true is 503 ORDO_ERR_HTTP_NOT_READY naming it, without its error text', async () => {
    app = await detail({
      checks: [ok('db'), { name: 'broker', check: () => Promise.reject(new Error('ECONNREFUSED 10.1.2.3:4222')) }],
    });
    const res = await app.inject({ method: 'GET', url: '/readyz?detail=true', headers: OPERATOR });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      error: { code: 'ORDO_ERR_HTTP_NOT_READY', message: Errors.NOT_READY.message },
      checks: [
        { name: 'db', status: 'ok', durationMs: expect.any(Number) },
        { name: 'broker', status: 'failed', durationMs: expect.any(Number) },
      ],
    });
    expect(res.body).not.toContain('ECONNREFUSED');
  });

  it('when a check throws synchronously, then it counts as failed', async () => {
    app = await detail({
      checks: [
        {
          name: 'cache',
          check: () => {
            throw new AppError(Errors.MSG_TRANSPORT_CLOSED);
          },
        },
      ],
    });
    const res = await app.inject({ method: 'GET', url: '/readyz?detail=true', headers: OPERATOR });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks).toEqual([{ name: 'cache', status: 'failed', durationMs: expect.any(Number) }]);
  });

  it('when a check hangs past its timeout, then GET /readyz is 503 with that check timed out', async () => {
    app = await detail({
      checkTimeoutMs: 50,
      checks: [{ name: 'db', check: () => new Promise<void>(() => {}) }],
    });
    const res = await app.inject({ method: 'GET', url: '/readyz?detail=true', headers: OPERATOR });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks).toEqual([{ name: 'db', status: 'timed_out', durationMs: expect.any(Number) }]);
  });

  it('when a mounted plugin adds a check, then GET /readyz runs it too', async () => {
    app = await detail({ checks: [ok('db')] });
    await app.register(async (child) => {
      child.readiness.add({ name: 'relay', check: () => Promise.reject(new Error('stopped')) });
    });
    const res = await app.inject({ method: 'GET', url: '/readyz?detail=true', headers: OPERATOR });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([
      ['db', 'ok'],
      ['relay', 'failed'],
    ]);
    expect(() => app.readiness.add(ok('db'))).toThrow(/already added/);
  });

  it('when no checks are registered, then GET /readyz?detail=true is 200', async () => {
    app = await detail();
    const res = await app.inject({ method: 'GET', url: '/readyz?detail=true', headers: OPERATOR });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', checks: [] });
  });

  it('when GET /metrics comes without the metrics token, or none is configured, then 401', async () => {
    app = await detail();
    const anonymous = await app.inject({ method: 'GET', url: '/metrics' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('ORDO_ERR_HTTP_METRICS_TOKEN_REQUIRED');
    await app.close();
    app = await createHttpApp();
    expect((await app.inject({ method: 'GET', url: '/metrics', headers: OPERATOR })).statusCode).toBe(401);
  });

  it('when requests have been served, then GET /metrics has the duration histogram by route pattern, and Node metrics', async () => {
    app = await detail();
    app.get('/items/:id', async () => ({ ok: true }));
    await app.inject({ method: 'GET', url: '/items/1' });
    await app.inject({ method: 'GET', url: '/items/2' });
    await app.inject({ method: 'GET', url: '/no/such/page' });

    const res = await app.inject({ method: 'GET', url: '/metrics', headers: OPERATOR });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).toContain('http_request_duration_seconds_count{route="/items/:id",method="GET",status_code="200"} 2');
    expect(text).toContain('http_request_duration_seconds_count{route="(unmatched)",method="GET",status_code="404"} 1');
    expect(text).not.toContain('/items/1');
    expect(text).not.toContain('/no/such/page');
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_heap_size_total_bytes /m);
  });

  it('when a service registers its own metric on app.metricsRegistry, then GET /metrics exposes it', async () => {
    app = await detail({ metrics: { defaultMetrics: false } });
    new Counter({ name: 'ordo_test_things_total', help: 'things', registers: [app.metricsRegistry] }).inc(3);
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: OPERATOR });
    expect(res.body).toContain('ordo_test_things_total 3');
    expect(res.body).not.toContain('process_cpu_user_seconds_total');
  });
});

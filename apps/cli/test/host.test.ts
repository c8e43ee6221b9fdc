// Component test of the embedded host: real PGlite in a temp dir, a real socket on port 0.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostConfig } from '@ordo/config';
import { createPgliteDb } from '@ordo/db';
import { silentLogger } from '@ordo/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHost, startHost } from '../src/host/start-host.js';

// The operators' token of /metrics and the detailed readiness report (ORDO_METRICS_TOKEN).
const METRICS_TOKEN = randomBytes(24).toString('hex');
const withToken = { headers: { authorization: `Bearer ${METRICS_TOKEN}` } };

describe('embedded host', () => {
  let root: string;
  let host: RunningHost;
  let baseUrl: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ordo-host-'));
    const config = hostConfig({
      port: 0,
      host: '127.0.0.1',
      dataDir: join(root, 'nested', 'data'),
      logLevel: 'silent',
      demo: false,
      metricsToken: METRICS_TOKEN,
    });
    host = await startHost({ config, logger: silentLogger });
    baseUrl = host.url;
  });

  afterAll(async () => {
    await host?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('when started on port 0, then it reports the URL it listens on and has created the data dir', async () => {
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await stat(join(root, 'nested', 'data'))).isDirectory()).toBe(true);
  });

  it('when GET /healthz, then 200 ok', async () => {
    const res = await fetch(`${baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('when GET /readyz without the metrics token, then 200 with the status only', async () => {
    const res = await fetch(`${baseUrl}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready' });
  });

  it('when GET /readyz?detail=true with the metrics token, then 200 with the db and transport checks passing', async () => {
    const res = await fetch(`${baseUrl}/readyz?detail=true`, withToken);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ready',
      checks: [
        { name: 'db', status: 'ok', durationMs: expect.any(Number) },
        { name: 'transport', status: 'ok', durationMs: expect.any(Number) },
      ],
    });
  });

  it('when GET /metrics, then 401 without the metrics token and Prometheus text with the request histogram', async () => {
    await fetch(`${baseUrl}/healthz`);
    expect((await fetch(`${baseUrl}/metrics`)).status).toBe(401);
    const res = await fetch(`${baseUrl}/metrics`, withToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(
      /^http_request_duration_seconds_count\{route="\/healthz",method="GET",status_code="200"\} \d+$/m,
    );
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it('when API requests have been answered, then the load shedding (on by default) holds none of them any more', async () => {
    for (let i = 0; i < 5; i++) expect((await fetch(`${baseUrl}/v1/restaurants`)).status).toBe(200);
    const text = await (await fetch(`${baseUrl}/metrics`, withToken)).text();
    expect(text).toMatch(/^ordo_gateway_requests_in_flight 0$/m);
    expect(text).toMatch(/^ordo_gateway_requests_shed_total 0$/m);
  });

  it('when a route does not exist, then 404 with the stable code', async () => {
    const res = await fetch(`${baseUrl}/no/such/route`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'ORDO_ERR_HTTP_NOT_FOUND', message: 'No such resource' } });
  });

  it('when started, then the services are mounted and the demo restaurants are listed', async () => {
    const res = await fetch(`${baseUrl}/v1/restaurants`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { restaurants?: unknown[] } | unknown[];
    const list = Array.isArray(body) ? body : (body.restaurants ?? []);
    expect(list.length).toBeGreaterThanOrEqual(4);
  });

  it('when started the first time, then demo accounts with generated passwords are kept in the data dir', async () => {
    const file = JSON.parse(await readFile(join(root, 'nested', 'data', 'demo-credentials.json'), 'utf8')) as {
      accounts: Array<{ email: string; password: string; role: string }>;
    };
    expect(file.accounts.map((a) => a.role)).toEqual(
      expect.arrayContaining(['customer', 'operator', 'courier', 'restaurant']),
    );
    const customer = file.accounts.find((a) => a.role === 'customer')!;
    expect(customer.password.length).toBeGreaterThanOrEqual(16);
    const login = await fetch(`${baseUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: customer.email, password: customer.password }),
    });
    expect(login.status).toBe(200);
  });

  it('when closed, then the port is released and the database is closed; closing again is harmless', async () => {
    await host.close();
    await expect(fetch(`${baseUrl}/healthz`)).rejects.toThrow();
    await expect(host.db.query('SELECT 1')).rejects.toThrow();
    await expect(host.close()).resolves.toBeUndefined();
  });
});

describe('embedded host on a taken port', () => {
  it('when the port is already in use, then start fails with EADDRINUSE and closes what it opened', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ordo-host-busy-'));
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const { port } = blocker.address() as AddressInfo;
    try {
      const config = hostConfig({ port, host: '127.0.0.1', dataDir: root, logLevel: 'silent', demo: false });
      await expect(startHost({ config, logger: silentLogger })).rejects.toMatchObject({ code: 'EADDRINUSE' });
      // What it opened was closed again, and the data dir it initialised is usable.
      const again = await createPgliteDb({ dataDir: root });
      await expect(again.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
      await again.close();
    } finally {
      await new Promise<void>((done) => blocker.close(() => done()));
      await rm(root, { recursive: true, force: true });
    }
  });
});

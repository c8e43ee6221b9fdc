// Component test: the gateway serves the web app at `/` (files, runtime config, client routes)
// from a built app directory, without shadowing the API, the health checks or the metrics, in
// the embedded shape (routes in-process) and the distributed one (paths forwarded upstream).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '@ordo/db';
import { createTestPgliteDb } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from './gateway-harness.js';

const INDEX = '<!doctype html><html><head><title>Ordo</title></head><body><div id="app"></div></body></html>';
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

let root: string;
let db: Db;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ordo-web-'));
  await mkdir(join(root, 'assets'));
  await writeFile(join(root, 'index.html'), INDEX);
  await writeFile(join(root, 'assets', 'index-abc123.js'), 'console.log("app")');
  await writeFile(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(join(root, '.env'), 'SECRET=1');
  await writeFile(join(tmpdir(), 'ordo-web-outside.txt'), 'outside');
  db = await createTestPgliteDb();
});

afterAll(async () => {
  await db?.close();
  await rm(root, { recursive: true, force: true });
});

describe('gateway: the web app at / (embedded shape)', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway(db, {
      gateway: {
        web: {
          root,
          demoAccounts: () => [
            { email: 'customer@demo.ordo.dev', password: 'pw-customer', role: 'customer' },
            { email: 'operator@demo.ordo.dev', password: 'pw-operator', role: 'operator' },
            { email: 'staff.a@demo.ordo.dev', password: 'pw-staff', role: 'restaurant', restaurantId: 'rst-a' },
            { email: 'courier1@demo.ordo.dev', password: 'pw-courier', role: 'courier' },
          ],
        },
      },
    });
  });
  afterAll(async () => {
    await gw?.close();
  });

  const get = (url: string, accept = '*/*') => gw.app.inject({ method: 'GET', url, headers: { accept } });

  it('when GET /, then the app’s index.html, revalidated on every visit', async () => {
    const res = await get('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toBe(INDEX);
  });

  it('when a browser opens a deep client route, then it falls back to index.html', async () => {
    for (const url of ['/orders/0193-abc', '/restaurants/rst-a', '/kitchen', '/sign-in?next=%2Forders']) {
      const res = await get(url, HTML);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toBe(INDEX);
    }
  });

  it('when an API client asks for a path that does not exist, then the JSON 404, not the app', async () => {
    for (const [url, accept] of [
      ['/v1/unknown', HTML],
      ['/v1/unknown', '*/*'],
      ['/v2/orders', HTML],
      ['/no/such/route', '*/*'],
      ['/assets/missing.js', '*/*'],
      ['/docs/nothing', HTML],
      ['/.well-known/other', HTML],
    ] as const) {
      const res = await get(url, accept);
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toEqual({ error: { code: 'ORDO_ERR_HTTP_NOT_FOUND', message: 'No such resource' } });
    }
  });

  it('when the API, health, metrics and JWKS are asked for, then they answer themselves', async () => {
    expect((await get('/healthz', HTML)).json()).toEqual({ status: 'ok' });
    // Closed without the metrics token (ADR 0021), and answering for itself, not with index.html.
    expect((await get('/metrics', HTML)).json().error.code).toBe('ORDO_ERR_HTTP_METRICS_TOKEN_REQUIRED');
    expect((await get('/.well-known/jwks.json', HTML)).json()).toHaveProperty('keys');
    const me = await get('/v1/me', HTML);
    expect(me.statusCode).toBe(401);
    expect(me.json().error.code).toBe('ORDO_ERR_AUTH_UNAUTHENTICATED');
  });

  it('when a hashed asset is asked for, then the file, cached for good; other files are revalidated', async () => {
    const asset = await get('/assets/index-abc123.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.body).toBe('console.log("app")');
    const icon = await get('/favicon.svg');
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(icon.headers['cache-control']).toBe('public, max-age=0');
  });

  it('when a path reaches for dotfiles or outside the app, then nothing but the app or a 404', async () => {
    for (const url of [
      '/.env',
      '/../ordo-web-outside.txt',
      '/%2e%2e/ordo-web-outside.txt',
      '/assets/%2e%2e/%2e%2e/x',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain('SECRET');
      expect(res.body, url).not.toContain('outside');
    }
  });

  it('when anything but GET or HEAD reaches a client route, then the JSON 404', async () => {
    const res = await gw.app.inject({ method: 'POST', url: '/orders', headers: { accept: HTML } });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('ORDO_ERR_HTTP_NOT_FOUND');
    const head = await gw.app.inject({ method: 'HEAD', url: '/orders/x', headers: { accept: HTML } });
    expect(head.statusCode).toBe(200);
  });

  it('when the app reads its config, then only the demo customer and staff accounts are in it, never cached', async () => {
    const res = await get('/app-config.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toEqual({
      demoAccounts: [
        { email: 'customer@demo.ordo.dev', password: 'pw-customer', role: 'customer' },
        { email: 'staff.a@demo.ordo.dev', password: 'pw-staff', role: 'restaurant', restaurantId: 'rst-a' },
      ],
      tileUrl: null,
    });
  });
});

describe('gateway: the web app at / (distributed shape)', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway(db, {
      gateway: {
        // Nothing listens there: a forwarded request answers the gateway's 503, proving it was forwarded.
        upstreams: [{ service: 'order', prefixes: ['/v1/orders'], url: 'http://127.0.0.1:9' }],
        upstreamTimeoutMs: 2000,
        web: { root },
      },
    });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('when / and a client route are opened, then the app; the service’s paths are still forwarded', async () => {
    expect((await gw.app.inject({ method: 'GET', url: '/' })).body).toBe(INDEX);
    const client = await gw.app.inject({ method: 'GET', url: '/orders/abc', headers: { accept: HTML } });
    expect(client.body).toBe(INDEX);
    const forwarded = await gw.app.inject({ method: 'GET', url: '/v1/orders/abc', headers: { accept: HTML } });
    expect(forwarded.statusCode).toBe(503);
    expect(forwarded.json().error.code).toBe('ORDO_ERR_GATEWAY_UPSTREAM_UNAVAILABLE');
    const unknown = await gw.app.inject({ method: 'GET', url: '/v1/unknown', headers: { accept: HTML } });
    expect(unknown.statusCode).toBe(404);
  });

  it('when no demo accounts are passed (a deployment of its own), then the config offers none', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/app-config.json' });
    expect(res.json()).toEqual({ demoAccounts: [], tileUrl: null });
  });
});

describe('gateway: the web app with a tile server', () => {
  let gw: RunningGateway;
  const tileUrl = 'https://tiles.example.org/{z}/{x}/{y}.png';
  beforeAll(async () => {
    gw = await startGateway(db, { gateway: { web: { root, tileUrl } } });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('when a tile URL is configured, then the app is told, and its page may load images from there only', async () => {
    expect((await gw.app.inject({ method: 'GET', url: '/app-config.json' })).json()).toEqual({
      demoAccounts: [],
      tileUrl,
    });
    const page = await gw.app.inject({ method: 'GET', url: '/' });
    expect(page.headers['content-security-policy']).toContain("img-src 'self' data: https://tiles.example.org;");
  });
});

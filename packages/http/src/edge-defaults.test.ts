import { request as httpRequest } from 'node:http';
import { edgeConfig, edgeConfigVariables } from '@ordo/config';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHttpApp } from './create-http-app.js';
import { docsPlugin } from './openapi/docs.plugin.js';
import { openApiDocument } from './openapi/openapi-document.js';
import { API_CONTENT_SECURITY_POLICY } from './security-headers.plugin.js';

let app: FastifyInstance;
afterEach(() => app?.close());

async function appWithRoutes(options: Parameters<typeof createHttpApp>[0] = {}): Promise<FastifyInstance> {
  const created = await createHttpApp(options);
  created.get('/v1/orders/:id', async (request) => ({ id: (request.params as { id: string }).id }));
  created.post('/v1/orders', async () => ({ ok: true }));
  // A live stream written on the raw response, as the tracking route does.
  created.get('/v1/stream', async (_request, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    reply.raw.end('data: hello\n\n');
  });
  return created;
}

/** A raw HTTP exchange, for what the parser refuses before Fastify sees it. */
async function rawGet(port: number, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/healthz', headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('security headers', () => {
  it('when the API answers, then helmet headers and a deny-all CSP are set, and nothing names the server', async () => {
    app = await appWithRoutes();
    for (const url of ['/v1/orders/1', '/no/such/route', '/healthz', '/v1/orders/%00', `/v1/${'a'.repeat(5_000)}`]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.headers['content-security-policy']).toBe(API_CONTENT_SECURITY_POLICY);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers.server).toBeUndefined();
    }
  });

  it('when the docs page is served, then it keeps its own policy (inline styles, nothing else) under helmet', async () => {
    app = await appWithRoutes();
    const document = openApiDocument({ info: { title: 'T', version: '1' }, tags: [], operations: [] });
    await app.register(docsPlugin, { document });
    const page = await app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
    );
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const json = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
    expect(json.headers['content-security-policy']).toBe(API_CONTENT_SECURITY_POLICY);
  });

  it('when routing itself refuses the URL (a parameter too long, bytes that are not UTF-8), then the answer has the headers too', async () => {
    app = await appWithRoutes();
    for (const url of [`/v1/orders/${'a'.repeat(10_000)}`, `/v1/orders/${'a'.repeat(300)}`, '/v1/orders/%ED%A0%80']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.headers['content-security-policy']).toBe(API_CONTENT_SECURITY_POLICY);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('when served over plain HTTP, then no Strict-Transport-Security is sent', async () => {
    app = await appWithRoutes();
    const res = await app.inject({ method: 'GET', url: '/v1/orders/1' });
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('when a route writes an event stream on the raw response, then it goes out intact', async () => {
    app = await appWithRoutes();
    const res = await app.inject({ method: 'GET', url: '/v1/stream' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(res.body).toBe('data: hello\n\n');
  });
});

describe('CORS', () => {
  const preflight = (origin: string) => ({
    method: 'OPTIONS' as const,
    url: '/v1/orders',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
  });

  it('when no origin is configured, then no request gets CORS headers and every preflight is 403', async () => {
    app = await appWithRoutes();
    const simple = await app.inject({
      method: 'GET',
      url: '/v1/orders/1',
      headers: { origin: 'https://evil.example' },
    });
    expect(simple.statusCode).toBe(200);
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    const res = await app.inject(preflight('https://evil.example'));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('ORDO_ERR_HTTP_CORS_ORIGIN_REFUSED');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('when origins are configured, then a listed one is allowed and any other is refused', async () => {
    app = await appWithRoutes({ corsOrigins: ['https://app.example.com'] });
    const allowed = await app.inject(preflight('https://app.example.com'));
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(allowed.headers['access-control-allow-headers']).toContain('authorization');
    const simple = await app.inject({
      method: 'GET',
      url: '/v1/orders/1',
      headers: { origin: 'https://app.example.com' },
    });
    expect(simple.headers['access-control-allow-origin']).toBe('https://app.example.com');

    const refused = await app.inject(preflight('https://app.example.com.evil.example'));
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('ORDO_ERR_HTTP_CORS_ORIGIN_REFUSED');
    const other = await app.inject({ method: 'GET', url: '/v1/orders/1', headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('when ORDO_CORS_ORIGINS is parsed, then origins are split and anything but an origin is refused', () => {
    const schema = z.object(edgeConfigVariables);
    expect(edgeConfig(schema.parse({ ORDO_CORS_ORIGINS: 'https://a.example, http://b.example:8080' }))).toEqual({
      corsOrigins: ['https://a.example', 'http://b.example:8080'],
      metricsToken: undefined,
      trustProxy: undefined,
    });
    expect(edgeConfig(schema.parse({})).corsOrigins).toEqual([]);
    expect(schema.safeParse({ ORDO_CORS_ORIGINS: '*' }).success).toBe(false);
    expect(schema.safeParse({ ORDO_CORS_ORIGINS: 'https://a.example/path' }).success).toBe(false);
    expect(schema.safeParse({ ORDO_METRICS_TOKEN: 'short' }).success).toBe(false);
  });
});

describe('the client address behind proxies', () => {
  async function appShowingIp(trustProxy?: readonly string[]) {
    const created = await createHttpApp({ trustProxy });
    created.get('/ip', async (request) => ({ ip: request.ip }));
    return created;
  }
  const ipSeen = async (remoteAddress: string, forwardedFor?: string) =>
    (
      await app.inject({
        method: 'GET',
        url: '/ip',
        remoteAddress,
        headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
      })
    ).json().ip;

  it('when no proxy is trusted, then X-Forwarded-For is ignored and the TCP peer is the client', async () => {
    app = await appShowingIp();
    expect(await ipSeen('203.0.113.7', '198.51.100.1')).toBe('203.0.113.7');
  });

  it('when proxies are trusted by address, then only their X-Forwarded-For names the client, and a forged hop in front of them is skipped', async () => {
    app = await appShowingIp(['10.0.0.0/8']);
    expect(await ipSeen('10.1.2.3', '198.51.100.1')).toBe('198.51.100.1');
    // The client wrote its own X-Forwarded-For; the trusted proxy appended the address it saw.
    expect(await ipSeen('10.1.2.3', '192.0.2.99, 198.51.100.1')).toBe('198.51.100.1');
    // Not from a trusted proxy: the header is the client's own claim and is ignored.
    expect(await ipSeen('203.0.113.7', '198.51.100.1')).toBe('203.0.113.7');
  });

  it('when ORDO_TRUST_PROXY is parsed, then addresses and CIDRs are taken, and anything else (a hop count, everyone) refused', () => {
    const schema = z.object(edgeConfigVariables);
    const parsed = (value: string) => edgeConfig(schema.parse({ ORDO_TRUST_PROXY: value })).trustProxy;
    expect(parsed('10.0.0.0/8, 192.168.1.10,fd00::/8')).toEqual(['10.0.0.0/8', '192.168.1.10', 'fd00::/8']);
    expect(parsed('')).toBeUndefined();
    for (const bad of ['true', '*', '1', '10.0.0.0/33', 'proxy.internal', '10.0.0.1/8/2']) {
      expect(schema.safeParse({ ORDO_TRUST_PROXY: bad }).success, bad).toBe(false);
    }
  });
});

describe('request size limits', () => {
  it('when the URL is longer than 4 KiB, then 414 ORDO_ERR_HTTP_URL_TOO_LONG, whether in an id or the query', async () => {
    app = await appWithRoutes();
    for (const url of [
      `/v1/orders/${'a'.repeat(10_000)}`,
      `/v1/orders/1?q=${'a'.repeat(5_000)}`,
      `/x/${'b'.repeat(5_000)}`,
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(414);
      expect(res.json().error.code).toBe('ORDO_ERR_HTTP_URL_TOO_LONG');
    }
  });

  it('when a path parameter is longer than 200 characters, then 400 before the route runs', async () => {
    app = await appWithRoutes();
    const res = await app.inject({ method: 'GET', url: `/v1/orders/${'a'.repeat(201)}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('ORDO_ERR_HTTP_VALIDATION');
    expect((await app.inject({ method: 'GET', url: `/v1/orders/${'a'.repeat(200)}` })).statusCode).toBe(200);
  });

  it('when the headers exceed 16 KiB, then 431 ORDO_ERR_HTTP_HEADERS_TOO_LARGE and the server keeps serving', async () => {
    app = await appWithRoutes();
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const res = await rawGet(port, { 'x-padding': 'a'.repeat(17 * 1024) });
    expect(res.status).toBe(431);
    expect(JSON.parse(res.body)).toEqual({
      error: { code: 'ORDO_ERR_HTTP_HEADERS_TOO_LARGE', message: 'The request headers are too large' },
    });
    expect((await rawGet(port, {})).status).toBe(200);
  });
});

// The gateway's proxy in front of a real upstream, with hostile paths: what the edge refuses never
// reaches the service, and nothing the service refuses turns into a 5xx on the way back.
import { createHttpApp } from '@ordo/http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyRoutes } from './proxy.routes.js';

describe('proxy routes with hostile paths', () => {
  let upstream: FastifyInstance;
  let gateway: FastifyInstance;
  const seen: string[] = [];

  beforeAll(async () => {
    upstream = await createHttpApp();
    upstream.addHook('onRequest', async (request) => {
      seen.push(request.url);
    });
    upstream.get('/v1/orders/:id', async (request) => ({ id: (request.params as { id: string }).id }));
    const url = await upstream.listen({ host: '127.0.0.1', port: 0 });
    gateway = await createHttpApp();
    await gateway.register(proxyRoutes({ upstreams: [{ service: 'order', prefixes: ['/v1/orders'], url }] }));
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const get = (url: string) => gateway.inject({ method: 'GET', url });

  it('when a plain id is asked for, then the upstream answers through the proxy', async () => {
    const res = await get('/v1/orders/abc');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: 'abc' });
  });

  it('when the path carries %00, a lone surrogate or a bidi override, then the gateway answers 400 and the service never sees it', async () => {
    const before = seen.length;
    // A lone surrogate's bytes are not UTF-8: the router refuses the URL before any hook runs.
    const codes = {
      '%00': 'INVALID_TEXT',
      'a%00b': 'INVALID_TEXT',
      '%E2%80%AE': 'INVALID_TEXT',
      '%ED%A0%80': 'VALIDATION',
    };
    for (const [id, code] of Object.entries(codes)) {
      const res = await get(`/v1/orders/${id}`);
      expect(res.statusCode, id).toBe(400);
      expect(res.json().error.code, id).toBe(`ORDO_ERR_HTTP_${code}`);
    }
    expect(seen.length).toBe(before);
  });

  it('when the id is 10,000 characters long, then the gateway answers 414 and the service never sees it', async () => {
    const before = seen.length;
    const res = await get(`/v1/orders/${'a'.repeat(10_000)}`);
    expect(res.statusCode).toBe(414);
    expect(res.json().error.code).toBe('ORDO_ERR_HTTP_URL_TOO_LONG');
    expect(seen.length).toBe(before);
  });

  it('when the service refuses an id (too long for a parameter), then its 400 comes back unchanged, not a 5xx', async () => {
    const res = await get(`/v1/orders/${'a'.repeat(300)}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('ORDO_ERR_HTTP_VALIDATION');
  });

  it('when the id carries SQL, template or traversal text, then nothing answers 5xx and the path stays under the prefix', async () => {
    for (const id of ["'%20OR%201=1%20--", '%7B%7B7*7%7D%7D', '%24%7B7*7%7D', '..%2F..%2Fetc%2Fpasswd', '%2500']) {
      const res = await get(`/v1/orders/${id}`);
      expect(res.statusCode, id).toBeLessThan(500);
    }
    expect(seen.every((url) => url.startsWith('/v1/orders/'))).toBe(true);
  });
});

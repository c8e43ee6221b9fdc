// The gateway's proxy in front of a real upstream. Hostile paths: what the edge refuses never
// reaches the service, and nothing the service refuses turns into a 5xx on the way back. Headers
// about the client's hop stay there, and answers of any size come back as the service sent them.
import { type ClientRequest, request } from 'node:http';
import { createHttpApp } from '@ordo/http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyRoutes } from './proxy.routes.js';

describe('proxy routes in front of a real upstream', () => {
  let upstream: FastifyInstance;
  let gateway: FastifyInstance;
  const seen: string[] = [];

  beforeAll(async () => {
    upstream = await createHttpApp();
    upstream.addHook('onRequest', async (request) => {
      seen.push(request.url);
    });
    upstream.get('/v1/orders/:id', async (request) => ({ id: (request.params as { id: string }).id }));
    upstream.post('/v1/orders/echo/headers', async (request) => ({ headers: request.headers, body: request.body }));
    upstream.get('/v1/orders/big/list', async () => ({ items: Array.from({ length: 10_000 }, (_, i) => `item-${i}`) }));
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

  it('when the client sends hop-by-hop headers (Expect, Keep-Alive, Upgrade, TE), then the request reaches the service without them', async () => {
    const res = await gateway.inject({
      method: 'POST',
      url: '/v1/orders/echo/headers',
      headers: {
        'content-type': 'application/json',
        expect: '100-continue',
        'keep-alive': 'timeout=5',
        upgrade: 'h2c',
        te: 'trailers',
        'x-request-id': 'r-1',
      },
      payload: { hello: 'world' },
    });
    expect(res.statusCode).toBe(200);
    const { headers, body } = res.json();
    expect(body).toEqual({ hello: 'world' });
    expect(headers['x-request-id']).toBe('r-1');
    for (const name of ['expect', 'keep-alive', 'upgrade', 'te', 'authorization', 'x-ordo-caller']) {
      expect(headers[name], name).toBeUndefined();
    }
  });

  it('when the answer is small, larger than the whole-answer limit, or to HEAD, then it arrives as the service sent it', async () => {
    const small = await get('/v1/orders/abc');
    expect(small.headers['content-length']).toBe(String(small.rawPayload.length));
    const big = await get('/v1/orders/big/list');
    expect(big.statusCode).toBe(200);
    expect(big.rawPayload.length).toBeGreaterThan(64 * 1024);
    expect(big.json().items).toHaveLength(10_000);
    const head = await gateway.inject({ method: 'HEAD', url: '/v1/orders/abc' });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(small.headers['content-length']);
    expect(head.rawPayload.length).toBe(0);
  });
});

describe('proxy routes with many live streams open', () => {
  let upstream: FastifyInstance;
  let gateway: FastifyInstance;
  let gatewayUrl: URL;
  const streams: ClientRequest[] = [];
  /** Streams the service is serving right now. */
  let open = 0;

  beforeAll(async () => {
    upstream = await createHttpApp();
    // A live stream as the tracking route serves one: headers at once, then open for good.
    const serveStream = async (request: FastifyRequest, reply: FastifyReply) => {
      open++;
      request.raw.on('close', () => open--);
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream' });
      reply.raw.write(': open\n\n');
    };
    upstream.get('/v1/orders/:id/track', serveStream);
    upstream.get('/v1/orders/:id/feed', serveStream);
    upstream.get('/v1/orders/:id', async (req) => ({ id: (req.params as { id: string }).id }));
    const url = await upstream.listen({ host: '127.0.0.1', port: 0 });
    gateway = await createHttpApp();
    await gateway.register(
      proxyRoutes({
        upstreams: [{ service: 'order', prefixes: ['/v1/orders'], url, liveStreams: [/^\/v1\/orders\/[^/]+\/track$/] }],
      }),
    );
    gatewayUrl = new URL(await gateway.listen({ host: '127.0.0.1', port: 0 }));
  });

  afterAll(async () => {
    for (const stream of streams) stream.destroy();
    await gateway?.close();
    await upstream?.close();
  });

  const openStream = (path: string, headers: Record<string, string> = {}) =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: gatewayUrl.hostname, port: gatewayUrl.port, path, headers, agent: false }, (res) =>
        resolve(res.statusCode ?? 0),
      );
      req.on('error', reject);
      streams.push(req);
      req.end();
    });

  it('when more streams are open than the request pool holds (300: by path, or by asking for an event stream), then the service serves them all at once and a plain read is still answered', async () => {
    const statuses = await Promise.all([
      ...Array.from({ length: 150 }, (_, n) => openStream(`/v1/orders/o-${n}/track`)),
      ...Array.from({ length: 150 }, (_, n) =>
        openStream(`/v1/orders/o-${n}/feed?from=1`, { accept: 'text/event-stream' }),
      ),
    ]);
    expect(statuses.every((status) => status === 200)).toBe(true);
    // Capped, the later streams would wait for earlier ones to be cut by the proxy's idle timeout.
    expect(open).toBe(300);
    const res = await fetch(new URL('/v1/orders/plain', gatewayUrl), { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 'plain' });
  });
});

describe('proxy routes under a burst of reads', () => {
  const CAP = 8;
  const BURST = 500;
  let upstream: FastifyInstance;
  let gateway: FastifyInstance;
  let gatewayUrl: URL;
  /** Connections the service has accepted. */
  let connections = 0;
  /** Requests the gateway has received. */
  let received = 0;
  // The service answers nothing until the whole burst has reached the gateway: every read the
  // proxy sends before then keeps its connection busy, so an uncapped proxy opens one per read.
  let openGate: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    openGate = resolve;
  });

  beforeAll(async () => {
    upstream = await createHttpApp();
    upstream.server.on('connection', () => connections++);
    upstream.get('/v1/orders/:id', async (req) => {
      await gate;
      return { id: (req.params as { id: string }).id };
    });
    const url = await upstream.listen({ host: '127.0.0.1', port: 0 });
    gateway = await createHttpApp();
    gateway.addHook('onRequest', async () => {
      if (++received === BURST) openGate();
    });
    await gateway.register(
      proxyRoutes({ upstreams: [{ service: 'order', prefixes: ['/v1/orders'], url }], connectionsPerService: CAP }),
    );
    gatewayUrl = new URL(await gateway.listen({ host: '127.0.0.1', port: 0 }));
  });

  afterAll(async () => {
    openGate();
    await gateway?.close();
    await upstream?.close();
  });

  const read = (n: number) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: gatewayUrl.hostname, port: gatewayUrl.port, path: `/v1/orders/o-${n}`, agent: false },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });

  it('when 500 reads arrive at once while the service is slow to answer, then it sees at most the cap of connections and every read is answered', async () => {
    const answers = await Promise.all(Array.from({ length: BURST }, (_, n) => read(n)));
    expect(answers.map((a) => a.status)).toEqual(Array(BURST).fill(200));
    expect(answers.map((a) => JSON.parse(a.body).id)).toEqual(Array.from({ length: BURST }, (_, n) => `o-${n}`));
    expect(connections).toBeGreaterThan(0);
    expect(connections).toBeLessThanOrEqual(CAP);
  });
});

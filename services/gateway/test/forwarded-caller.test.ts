// The caller's identity inside the distributed shape (ADR 0024): the gateway verifies the token and
// forwards the outcome in `x-ordo-caller` over mutual TLS; a service believes that header from the
// gateway's certificate only, and the client sees what it would have seen from the service itself.
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  allowAnonymous,
  allowAnyRole,
  authPlugin,
  CALLER_HEADER,
  DEFAULT_TOKEN_AUDIENCE,
  DEFAULT_TOKEN_ISSUER,
  EphemeralKeyStore,
  forwardedCallerAuth,
  LocalKeysVerifier,
  Role,
  TokenIssuer,
} from '@ordo/auth';
import { createHttpApp } from '@ordo/http';
import { ensureDevCertificates, mtlsRequest, peerIs, readTlsMaterial, type TlsMaterial } from '@ordo/tls';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyRoutes } from '../src/entry-points/http/proxy.routes.js';

const KEYS = new EphemeralKeyStore();
const TOKENS = new TokenIssuer({ keys: KEYS, issuer: DEFAULT_TOKEN_ISSUER, audience: DEFAULT_TOKEN_AUDIENCE });

/** Holds the live stream's second event until the test has read the first. */
let releaseSecondEvent: () => void = () => undefined;

/** A service behind the gateway: echoes who it was told the caller is, and whether a token reached it. */
async function probeService(tls?: TlsMaterial): Promise<FastifyInstance> {
  const app = await createHttpApp(tls ? { mutualTls: tls } : {});
  await app.register(async (scope) => {
    await scope.register(authPlugin, { auth: forwardedCallerAuth({ trust: peerIs('gateway') }) });
    const echo = async (req: { user: unknown; headers: Record<string, unknown> }) => ({
      user: req.user,
      tokenReached: req.headers.authorization !== undefined,
    });
    scope.get('/v1/probe', { config: allowAnyRole() }, echo);
    scope.get('/v1/probe/public', { config: allowAnonymous() }, echo);
    // Like the tracking route: server-sent events for the caller, flushed as they happen.
    scope.get('/v1/probe/live', { config: allowAnyRole() }, async (req, reply) => {
      const second = new Promise<void>((resolve) => {
        releaseSecondEvent = resolve;
      });
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      reply.raw.write(`data: ${JSON.stringify(req.user)}\n\n`);
      await second;
      reply.raw.end('data: bye\n\n');
    });
  });
  return app;
}

describe('the caller forwarded by the gateway over mutual TLS', () => {
  let root: string;
  let service: FastifyInstance;
  let gateway: FastifyInstance;
  let serviceUrl: string;
  const tls = {} as Record<'gateway' | 'order' | 'tools', TlsMaterial>;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ordo-caller-'));
    const certs = await ensureDevCertificates({
      dir: root,
      identities: [
        { name: 'gateway', server: true },
        { name: 'order', server: true },
        { name: 'operator-tools', server: false },
      ],
    });
    tls.gateway = await readTlsMaterial(certs.files.gateway!);
    tls.order = await readTlsMaterial(certs.files.order!);
    tls.tools = await readTlsMaterial(certs.files['operator-tools']!);
    service = await probeService(tls.order);
    serviceUrl = await service.listen({ host: '127.0.0.1', port: 0 });
    gateway = await createHttpApp();
    const verifier = new LocalKeysVerifier({
      keys: KEYS,
      issuer: DEFAULT_TOKEN_ISSUER,
      audience: DEFAULT_TOKEN_AUDIENCE,
    });
    await gateway.register(
      proxyRoutes({
        upstreams: [{ service: 'order', prefixes: ['/v1/probe'], url: serviceUrl }],
        verifier,
        tls: tls.gateway,
      }),
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await service?.close();
    await rm(root, { recursive: true, force: true });
  });

  const viaGateway = (url: string, headers: Record<string, string> = {}) => gateway.inject({ url, headers });
  const direct = (tlsOf: TlsMaterial, headers: Record<string, string>) =>
    mtlsRequest(`${serviceUrl}/v1/probe`, { tls: tlsOf, headers });

  it('when a client calls through the gateway with a valid token, then the service gets the verified caller and never the token', async () => {
    const { accessToken } = await TOKENS.issue({ userId: 'u-ada', role: Role.Courier });
    const res = await viaGateway('/v1/probe', { authorization: `Bearer ${accessToken}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ user: { id: 'u-ada', role: 'courier' }, tokenReached: false });
    // The internal hop's TLS is not the client's: no HSTS on the gateway's plain-HTTP answer.
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it("when a client sends its own x-ordo-caller to the gateway, then it is dropped: without a token the service answers 401, with one the token's caller wins", async () => {
    const spoofed = viaGateway('/v1/probe', { [CALLER_HEADER]: 'user=root; role=operator' });
    const refused = await spoofed;
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error).toMatchObject({
      code: 'ORDO_ERR_AUTH_UNAUTHENTICATED',
      details: { reason: 'missing' },
    });
    expect(refused.headers['www-authenticate']).toBe('Bearer');
    const { accessToken } = await TOKENS.issue({ userId: 'u-bob', role: Role.Customer });
    const res = await viaGateway('/v1/probe', {
      authorization: `Bearer ${accessToken}`,
      [CALLER_HEADER]: 'user=root; role=operator',
    });
    expect(res.json().user).toEqual({ id: 'u-bob', role: 'customer' });
  });

  it('when a bad token is sent, then a protected route answers 401 with its reason and challenge, and a public route serves as if none was sent', async () => {
    const protectedRes = await viaGateway('/v1/probe', { authorization: 'Bearer not.a.token' });
    expect(protectedRes.statusCode).toBe(401);
    expect(protectedRes.json().error).toMatchObject({
      code: 'ORDO_ERR_AUTH_UNAUTHENTICATED',
      details: { reason: 'malformed' },
    });
    expect(protectedRes.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    const publicRes = await viaGateway('/v1/probe/public', { authorization: 'Bearer not.a.token' });
    expect(publicRes.statusCode).toBe(200);
    expect(publicRes.json()).toEqual({ user: null, tokenReached: false });
  });

  it('when a client follows a live event stream through the gateway, then each event arrives as the service sends it, for the verified caller', async () => {
    const base = await gateway.listen({ host: '127.0.0.1', port: 0 });
    const { accessToken } = await TOKENS.issue({ userId: 'u-eve', role: Role.Customer });
    const res = await fetch(`${base}/v1/probe/live`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    // The service holds its second event until this one has come through: nothing buffers the stream.
    let first = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      first += decoder.decode(chunk.value);
      if (first.includes('\n\n')) break;
    }
    expect(first).toBe(`data: ${JSON.stringify({ id: 'u-eve', role: 'customer' })}\n\n`);
    releaseSecondEvent();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += decoder.decode(chunk.value);
    expect(rest).toBe('data: bye\n\n');
  });

  it('when an upstream URL leads to another service than the one named, then the gateway refuses it as unreachable', async () => {
    const misrouted = await createHttpApp();
    const verifier = new LocalKeysVerifier({
      keys: KEYS,
      issuer: DEFAULT_TOKEN_ISSUER,
      audience: DEFAULT_TOKEN_AUDIENCE,
    });
    const upstream = { service: 'payment', prefixes: ['/v1/probe'], url: serviceUrl };
    await misrouted.register(proxyRoutes({ upstreams: [upstream], verifier, tls: tls.gateway }));
    try {
      const res = await misrouted.inject({ url: '/v1/probe/public' });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('ORDO_ERR_GATEWAY_UPSTREAM_UNAVAILABLE');
    } finally {
      await misrouted.close();
    }
  });

  it("when the header comes with the gateway's certificate, then the service takes it as the caller", async () => {
    const res = await direct(tls.gateway, { [CALLER_HEADER]: 'user=u-1; role=restaurant' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).user).toEqual({ id: 'u-1', role: 'restaurant' });
    // Over its own TLS the service sends HSTS; the gateway does not pass it on (see above).
    expect(res.headers['strict-transport-security']).toBeDefined();
  });

  it('when the header comes with another certificate of the CA, then the service refuses it with 403 ORDO_ERR_AUTH_CALLER_UNTRUSTED, and without the header answers 401', async () => {
    const res = await direct(tls.tools, { [CALLER_HEADER]: 'user=u-1; role=operator' });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe('ORDO_ERR_AUTH_CALLER_UNTRUSTED');
    // A token sent straight to the service is not read: only the gateway names callers.
    const { accessToken } = await TOKENS.issue({ userId: 'u-2', role: Role.Operator });
    const withToken = await direct(tls.tools, { authorization: `Bearer ${accessToken}` });
    expect(withToken.status).toBe(401);
    expect(JSON.parse(withToken.body).error.details).toEqual({ reason: 'missing' });
  });

  it('when the header comes without a client certificate, then the handshake is refused, and a connection without TLS is never trusted', async () => {
    const noCertificate = new Promise<number>((resolve, reject) => {
      const headers = { [CALLER_HEADER]: 'user=u-1; role=operator' };
      const req = request(`${serviceUrl}/v1/probe`, { ca: tls.order.ca, agent: false, headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    await expect(noCertificate).rejects.toThrow();
    // In-process (no socket, no certificate): the same rule holds.
    const plain = await probeService();
    try {
      const res = await plain.inject({ url: '/v1/probe', headers: { [CALLER_HEADER]: 'user=u-1; role=operator' } });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('ORDO_ERR_AUTH_CALLER_UNTRUSTED');
    } finally {
      await plain.close();
    }
  });
});

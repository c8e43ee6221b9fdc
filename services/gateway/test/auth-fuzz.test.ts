// Auth fuzz on both shapes: every kind of forged, foreign, stale or replayed credential is
// refused with a stable code. Embedded: PGlite, and a service verifying with the gateway's
// LocalKeysVerifier. Distributed: PostgreSQL, the gateway listening on a port and forwarding to a
// service over mutual TLS (ADR 0024): the gateway verifies, the service takes the caller it forwards.
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuthPluginOptions,
  allowAnyRole,
  authPlugin,
  type DbKeyStore,
  DEFAULT_TOKEN_AUDIENCE,
  DEFAULT_TOKEN_ISSUER,
  EphemeralKeyStore,
  forwardedCallerAuth,
  type PublicKeySource,
  Role,
  type SigningKey,
  TokenIssuer,
} from '@ordo/auth';
import type { Db } from '@ordo/db';
import { createHttpApp, type HttpAppOptions } from '@ordo/http';
import { createTestPgDatabase, createTestPgliteDb, type TestPgDatabase } from '@ordo/testing';
import { ensureDevCertificates, peerIs, readTlsMaterial } from '@ordo/tls';
import type { FastifyInstance } from 'fastify';
import { type CryptoKey, exportSPKI, importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, register } from './gateway-harness.js';
import { logInOk, PASSWORD, startTestGateway } from './session-harness.js';

const ISS = DEFAULT_TOKEN_ISSUER;
const AUD = DEFAULT_TOKEN_AUDIENCE;
const STABLE_CODES = ['ORDO_ERR_AUTH_UNAUTHENTICATED', 'ORDO_ERR_AUTH_REFRESH_TOKEN_INVALID'];

interface ProbeResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: a response body, read field by field by the assertions
  json(): any;
}

interface Shape {
  name: 'embedded' | 'distributed';
  gateway: RunningGateway;
  db: Db;
  /** GET /v1/probe of a service protected the shape's way (it answers the caller), as a client reaches it. */
  probe(headers: Record<string, string>): Promise<ProbeResponse>;
  /** POST to the gateway the way a client of this shape reaches it. */
  post(
    url: string,
    body: unknown,
  ): Promise<{ status: number; body: { error?: { code: string; details?: { reason?: string } } } }>;
  close(): Promise<void>;
}

async function probeService(auth: AuthPluginOptions, options: HttpAppOptions = {}): Promise<FastifyInstance> {
  const app = await createHttpApp(options);
  await app.register(async (scope) => {
    await scope.register(authPlugin, auth);
    scope.get('/v1/probe', { config: allowAnyRole() }, async (request) => ({ user: request.user }));
  });
  return app;
}

async function embedded(): Promise<Shape> {
  const db = await createTestPgliteDb();
  const gateway = await startTestGateway(db);
  const service = await probeService({ verifier: gateway.service.verifier });
  return {
    name: 'embedded',
    gateway,
    db,
    probe: (headers) => service.inject({ url: '/v1/probe', headers }),
    post: async (url, body) => {
      const res = await gateway.app.inject({ method: 'POST', url, payload: body as object });
      return { status: res.statusCode, body: res.body ? res.json() : {} };
    },
    close: async () => {
      await service.close();
      await gateway.close();
      await db.close();
    },
  };
}

async function distributed(): Promise<Shape> {
  const pg: TestPgDatabase = await createTestPgDatabase('ordo_fuzz');
  const db = pg.open({ max: 4 });
  const certDir = await mkdtemp(join(tmpdir(), 'ordo-fuzz-tls-'));
  const certs = await ensureDevCertificates({
    dir: certDir,
    identities: [
      { name: 'gateway', server: true },
      { name: 'order', server: true },
    ],
  });
  // The service as `ordo serve` runs it: HTTPS only, clients with a certificate of the CA only,
  // the caller taken from the gateway's header.
  const service = await probeService(
    { auth: forwardedCallerAuth({ trust: peerIs('gateway') }) },
    { mutualTls: await readTlsMaterial(certs.files.order!) },
  );
  const serviceUrl = await service.listen({ port: 0, host: '127.0.0.1' });
  const gateway = await startTestGateway(db, {
    gateway: {
      upstreams: [{ service: 'order', prefixes: ['/v1/probe'], url: serviceUrl }],
      upstreamTls: await readTlsMaterial(certs.files.gateway!),
    },
  });
  await gateway.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(gateway.app.server.address() as AddressInfo).port}`;
  return {
    name: 'distributed',
    gateway,
    db,
    probe: async (headers) => {
      const res = await fetch(`${base}/v1/probe`, { headers });
      const body: unknown = await res.json();
      return { statusCode: res.status, headers: Object.fromEntries(res.headers), json: () => body };
    },
    post: async (url, body) => {
      const res = await fetch(`${base}${url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : {} };
    },
    close: async () => {
      await service.close();
      await gateway.close();
      await db.close();
      await pg.drop();
      await rm(certDir, { recursive: true, force: true });
    },
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

interface Forge {
  key: SigningKey;
  now: number;
  sub: string;
}

/** A token signed with `key`, valid unless `claims`/`header` say otherwise. */
function forge(f: Forge, claims: JWTPayload = {}, header: Record<string, unknown> = {}): Promise<string> {
  const payload = {
    role: 'customer',
    sub: f.sub,
    iss: ISS,
    aud: AUD,
    iat: f.now,
    exp: f.now + 600,
    jti: 'j-1',
    ...claims,
  };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: f.key.kid, ...header })
    .sign(f.key.privateKey);
}

/** Every credential an attacker might try against a protected route, with the reason it must be refused for. */
async function hostileAccessTokens(
  keys: PublicKeySource,
  valid: string,
  f: Forge,
): Promise<Array<[string, string | undefined, string]>> {
  const [header, payload, signature] = valid.split('.') as [string, string, string];
  const jwks = (await keys.publicKeys()).keys[0];
  const hs256 = async (secret: Uint8Array) =>
    new SignJWT({ role: 'operator', sub: f.sub, iss: ISS, aud: AUD, iat: f.now, exp: f.now + 600, jti: 'j' })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: f.key.kid })
      .sign(secret);
  const spki = await exportSPKI((await importJWK(jwks as JWK, 'ES256', { extractable: true })) as CryptoKey);
  const other = new EphemeralKeyStore();
  const otherDeployment = await new TokenIssuer({
    keys: other,
    issuer: ISS,
    audience: AUD,
    now: () => new Date(f.now * 1000),
  }).issue({
    userId: f.sub,
    role: Role.Operator,
  });
  const [, otherPayload, otherSig] = otherDeployment.accessToken.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  return [
    ['no token', undefined, 'missing'],
    ['garbage', 'Bearer not.a.token', 'malformed'],
    ['alg none, empty signature', `Bearer ${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.`, 'malformed'],
    [
      'alg none, some signature',
      `Bearer ${b64({ alg: 'none', typ: 'at+jwt', kid: f.key.kid })}.${payload}.${signature}`,
      'malformed',
    ],
    [
      'HS256 keyed with the public JWK',
      `Bearer ${await hs256(new TextEncoder().encode(JSON.stringify(jwks)))}`,
      'malformed',
    ],
    ['HS256 keyed with the public PEM', `Bearer ${await hs256(new TextEncoder().encode(spki))}`, 'malformed'],
    ['wrong iss', `Bearer ${await forge(f, { iss: 'urn:evil:gateway' })}`, 'wrong_issuer'],
    ['wrong aud', `Bearer ${await forge(f, { aud: 'urn:other:api' })}`, 'wrong_audience'],
    ['expired', `Bearer ${await forge(f, { iat: f.now - 1200, exp: f.now - 300 })}`, 'expired'],
    ['not yet valid (nbf)', `Bearer ${await forge(f, { nbf: f.now + 300 })}`, 'not_yet_valid'],
    ['not yet valid (iat)', `Bearer ${await forge(f, { iat: f.now + 300, exp: f.now + 900 })}`, 'not_yet_valid'],
    [
      'tampered payload (role)',
      `Bearer ${header}.${b64({ ...claims, role: 'operator' })}.${signature}`,
      'bad_signature',
    ],
    [
      'tampered payload (sub)',
      `Bearer ${header}.${b64({ ...claims, sub: 'someone-else' })}.${signature}`,
      'bad_signature',
    ],
    ['unknown kid', `Bearer ${await forge(f, {}, { kid: 'no-such-key' })}`, 'unknown_key'],
    ['another deployment', `Bearer ${otherDeployment.accessToken}`, 'unknown_key'],
    ['another deployment, our kid', `Bearer ${header}.${otherPayload}.${otherSig}`, 'bad_signature'],
    ['not an access token (typ JWT)', `Bearer ${await forge(f, {}, { typ: 'JWT' })}`, 'invalid_claims'],
    ['unknown role', `Bearer ${await forge(f, { role: 'admin' })}`, 'invalid_claims'],
    ['no jti', `Bearer ${await forge(f, { jti: undefined })}`, 'invalid_claims'],
  ];
}

describe.each([
  ['embedded', embedded],
  ['distributed', distributed],
] as const)('auth fuzz, %s shape', (name, build) => {
  let shape: Shape;
  // In a hook (longer budget): a PGlite start costs tens of seconds on a busy 2-core box.
  beforeAll(async () => {
    shape = await build();
  });
  afterAll(() => shape?.close());

  it('when forged, foreign, stale or replayed credentials are presented, then every one is refused with a stable code', async () => {
    const { gateway } = shape;
    await register(gateway.app, 'ada@example.com', PASSWORD);
    const session = await logInOk(gateway.app, 'ada@example.com');
    const ok = await shape.probe({ authorization: `Bearer ${session.accessToken}` });
    expect(ok.statusCode, 'a genuine token passes').toBe(200);
    expect(ok.json().user, 'as its own user').toMatchObject({ role: 'customer' });

    // The gateway's real private key, from the store it signs with: a forger with it could do
    // anything, but the claim checks (iss, aud, exp, nbf, typ, role) must hold even for its tokens.
    const keys = gateway.service.publicKeys as DbKeyStore;
    const key = await keys.signingKey();
    const sub = JSON.parse(Buffer.from(session.accessToken.split('.')[1] as string, 'base64url').toString()).sub;
    const f: Forge = { key, now: Math.floor(gateway.clock.now().getTime() / 1000), sub };
    const cases = await hostileAccessTokens(keys, session.accessToken, f);

    const outcomes: string[] = [];
    for (const [label, authorization, reason] of cases) {
      const res = await shape.probe(authorization ? { authorization } : {});
      expect(res.statusCode, label).toBe(401);
      expect(STABLE_CODES, label).toContain(res.json().error.code);
      expect(res.json().error.details, label).toEqual({ reason });
      // RFC 6750: no error attribute when no token was sent at all.
      const challenge = reason === 'missing' ? 'Bearer' : 'Bearer error="invalid_token"';
      expect(res.headers['www-authenticate'], label).toBe(challenge);
      outcomes.push(label);
    }

    // A replayed rotated refresh token: the family is revoked, and every token of it refused after.
    const second = await shape.post('/v1/auth/refresh', { refreshToken: session.refreshToken });
    expect(second.status).toBe(200);
    const newest = (second.body as unknown as { refreshToken: string }).refreshToken;
    const replays: Array<[string, string, string]> = [
      ['replayed rotated refresh token', session.refreshToken, 'reused'],
      ['newest refresh token of the revoked family', newest, 'revoked'],
      ['the replayed one again', session.refreshToken, 'revoked'],
      ['a refresh token never issued', 'A'.repeat(43), 'unknown'],
    ];
    for (const [label, refreshToken, reason] of replays) {
      const res = await shape.post('/v1/auth/refresh', { refreshToken });
      expect(res.status, label).toBe(401);
      expect(STABLE_CODES, label).toContain(res.body.error?.code);
      expect(res.body.error?.details?.reason, label).toBe(reason);
      outcomes.push(label);
    }
    console.log(
      `auth fuzz (${name}): ${outcomes.length} of ${outcomes.length} hostile credentials rejected, each with a stable code`,
    );
    expect(outcomes).toHaveLength(cases.length + replays.length);
  });
});

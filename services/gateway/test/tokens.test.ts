// Component test: what the gateway does with tokens that are missing, broken, expired or
// foreign, and how other services verify its tokens (in-process and through the JWKS).
import type { AddressInfo } from 'node:net';
import {
  DEFAULT_TOKEN_AUDIENCE,
  DEFAULT_TOKEN_ISSUER,
  EphemeralKeyStore,
  LocalKeysVerifier,
  RemoteJwksVerifier,
  Role,
  TokenIssuer,
} from '@ordo/auth';
import type { Db } from '@ordo/db';
import { createTestPgliteDb } from '@ordo/testing';
import { decodeProtectedHeader } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningGateway, register, startGateway, testClock, tokenFor } from './gateway-harness.js';

let db: Db;
let gw: RunningGateway;

beforeEach(async () => {
  db = await createTestPgliteDb();
  gw = await startGateway(db, { clock: testClock(new Date('2026-03-01T10:00:00Z')) });
  await register(gw.app, 'ada@example.com', 'correct horse');
});
afterEach(async () => {
  await gw?.close();
  await db?.close();
});

function me(authorization?: string) {
  return gw.app.inject({ method: 'GET', url: '/v1/me', headers: authorization ? { authorization } : {} });
}

function expectUnauthenticated(res: Awaited<ReturnType<typeof me>>, reason: string) {
  expect(res.statusCode).toBe(401);
  expect(res.json()).toEqual({
    error: {
      code: 'ORDO_ERR_AUTH_UNAUTHENTICATED',
      message: 'A valid access token is required (Authorization: Bearer <token>)',
      details: { reason },
    },
  });
  expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
}

describe('gateway: tokens that do not pass', () => {
  it('when no token is sent, then 401 ORDO_ERR_AUTH_UNAUTHENTICATED (missing)', async () => {
    expectUnauthenticated(await me(), 'missing');
  });

  it('when the token is garbage, then 401 (malformed)', async () => {
    expectUnauthenticated(await me('Bearer not-a-jwt'), 'malformed');
    expectUnauthenticated(await me('Bearer aaa.bbb.ccc'), 'malformed');
    expectUnauthenticated(await me('Basic YWRhOmNvcnJlY3QgaG9yc2U='), 'malformed');
  });

  it('when the token has expired, then 401 (expired)', async () => {
    const token = await tokenFor(gw.app, 'ada@example.com', 'correct horse');
    gw.clock.advance(14 * 60_000);
    expect((await me(`Bearer ${token}`)).statusCode).toBe(200);
    gw.clock.advance(2 * 60_000);
    expectUnauthenticated(await me(`Bearer ${token}`), 'expired');
  });

  it('when the token is signed by another key, then 401, also when it reuses the gateway key id', async () => {
    const real = await tokenFor(gw.app, 'ada@example.com', 'correct horse');
    const sub = JSON.parse(Buffer.from(real.split('.')[1]!, 'base64url').toString()).sub;
    const foreign = new TokenIssuer({
      keys: new EphemeralKeyStore(),
      issuer: DEFAULT_TOKEN_ISSUER,
      audience: DEFAULT_TOKEN_AUDIENCE,
      now: gw.clock.now,
    });
    const forged = (await foreign.issue({ userId: sub, role: Role.Operator })).accessToken;
    expectUnauthenticated(await me(`Bearer ${forged}`), 'unknown_key');

    // Same header as a real token (kid included), same claims, another signature.
    const [header] = real.split('.');
    const [, payload, signature] = forged.split('.');
    expectUnauthenticated(await me(`Bearer ${header}.${payload}.${signature}`), 'bad_signature');
  });

  it('when the account behind a valid token is gone, then 401 (unknown_user)', async () => {
    const token = await tokenFor(gw.app, 'ada@example.com', 'correct horse');
    await db.query('DELETE FROM gateway.users');
    expectUnauthenticated(await me(`Bearer ${token}`), 'unknown_user');
  });
});

describe('gateway: verifying its tokens elsewhere', () => {
  it('when GET /.well-known/jwks.json, then one public ES256 key whose kid signs the tokens, and nothing private', async () => {
    const token = await tokenFor(gw.app, 'ada@example.com', 'correct horse');
    const res = await gw.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const jwks = res.json();
    expect(jwks.keys).toEqual([
      {
        kty: 'EC',
        crv: 'P-256',
        x: expect.any(String),
        y: expect.any(String),
        kid: decodeProtectedHeader(token).kid,
        alg: 'ES256',
        use: 'sig',
      },
    ]);
    expect(res.body).not.toContain('"d"');
  });

  it('when a service in another process verifies through the JWKS URL, then a gateway token passes and a foreign one does not', async () => {
    await gw.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = gw.app.server.address() as AddressInfo;
    const verifier = new RemoteJwksVerifier({
      jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      issuer: DEFAULT_TOKEN_ISSUER,
      audience: DEFAULT_TOKEN_AUDIENCE,
      now: gw.clock.now,
    });
    const token = await tokenFor(gw.app, 'ada@example.com', 'correct horse');
    await expect(verifier.verify(token)).resolves.toMatchObject({ role: 'customer', iss: DEFAULT_TOKEN_ISSUER });

    const foreign = await new TokenIssuer({
      keys: new EphemeralKeyStore(),
      issuer: DEFAULT_TOKEN_ISSUER,
      audience: DEFAULT_TOKEN_AUDIENCE,
      now: gw.clock.now,
    }).issue({ userId: 'x', role: Role.Operator });
    await expect(verifier.verify(foreign.accessToken)).rejects.toMatchObject({
      code: 'ORDO_ERR_AUTH_UNAUTHENTICATED',
      details: { reason: 'unknown_key' },
    });
  });

  it('when the JWKS URL does not answer, then 503 ORDO_ERR_AUTH_KEYS_UNAVAILABLE (retryable), not a 401', async () => {
    await gw.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = gw.app.server.address() as AddressInfo;
    const verifier = new RemoteJwksVerifier({
      jwksUrl: `http://127.0.0.1:${port}/no-such-jwks.json`,
      issuer: DEFAULT_TOKEN_ISSUER,
      audience: DEFAULT_TOKEN_AUDIENCE,
    });
    const token = await tokenFor(gw.app, 'ada@example.com', 'correct horse');
    await expect(verifier.verify(token)).rejects.toMatchObject({
      code: 'ORDO_ERR_AUTH_KEYS_UNAVAILABLE',
      httpStatus: 503,
      retryable: true,
    });
  });

  it('when a service in the same process uses the gateway public keys, then a gateway token passes', async () => {
    const verifier = new LocalKeysVerifier({
      keys: gw.service.publicKeys,
      issuer: DEFAULT_TOKEN_ISSUER,
      audience: DEFAULT_TOKEN_AUDIENCE,
      now: gw.clock.now,
    });
    const token = await tokenFor(gw.app, 'ada@example.com', 'correct horse');
    await expect(verifier.verify(token)).resolves.toMatchObject({ role: 'customer' });
    await expect(gw.service.verifier.verify(token)).resolves.toMatchObject({ role: 'customer' });
  });
});

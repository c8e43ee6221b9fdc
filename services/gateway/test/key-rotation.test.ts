// Component test: rotating the token signing key under two running gateway replicas on one
// PostgreSQL database. Tokens signed before the rotation keep verifying (in-process and through
// the JWKS), new ones carry the new kid, the other replica switches within a minute, and the
// old key leaves the JWKS once its tokens have expired.
import type { AddressInfo } from 'node:net';
import { DEFAULT_TOKEN_AUDIENCE, DEFAULT_TOKEN_ISSUER, RemoteJwksVerifier, Role } from '@ordo/auth';
import type { Db } from '@ordo/db';
import { createTestPgDatabase, type TestPgDatabase, testFieldKeys } from '@ordo/testing';
import { decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { seedUsers } from '../src/index.js';
import { PasswordHasher } from '../src/use-cases/password-hasher.js';
import { type RunningGateway, register, testClock } from './gateway-harness.js';
import { CHEAP_HASHES, logInOk, PASSWORD, send, startTestGateway } from './session-harness.js';

let pg: TestPgDatabase | undefined;
const dbs: Db[] = [];
const running: RunningGateway[] = [];

afterEach(async () => {
  for (const gw of running.splice(0)) await gw.close();
  for (const db of dbs.splice(0)) await db.close();
  await pg?.drop();
  pg = undefined;
});

const OPERATOR = 'ops@ordo.test';
const kid = (token: string) => decodeProtectedHeader(token).kid;

/** Two replicas (own pools, one clock) on a fresh database, with an operator and a customer. */
async function twoReplicas(): Promise<[RunningGateway, RunningGateway]> {
  pg = await createTestPgDatabase('ordo_keys');
  const clock = testClock(new Date('2026-03-01T10:00:00Z'));
  const [dbA, dbB] = [pg.open({ max: 3 }), pg.open({ max: 3 })];
  dbs.push(dbA, dbB);
  const a = await startTestGateway(dbA, { clock });
  const b = await startTestGateway(dbB, { clock });
  running.push(a, b);
  await seedUsers(dbA, [{ email: OPERATOR, password: PASSWORD, role: Role.Operator }], {
    passwords: new PasswordHasher(CHEAP_HASHES),
    fieldKeys: testFieldKeys('gateway'),
  });
  await register(a.app, 'ada@example.com', PASSWORD);
  return [a, b];
}

async function jwksKids(gw: RunningGateway): Promise<string[]> {
  const res = await gw.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
  return res.json().keys.map((k: { kid: string }) => k.kid);
}

async function me(gw: RunningGateway, token: string): Promise<number> {
  return (await gw.app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode;
}

describe('gateway signing key rotation', () => {
  it('when an operator rotates on one replica, then old tokens keep verifying everywhere, new ones carry the new kid, and the other replica switches within a minute', async () => {
    const [a, b] = await twoReplicas();
    await a.app.listen({ port: 0, host: '127.0.0.1' });
    const remote = new RemoteJwksVerifier({
      jwksUrl: `http://127.0.0.1:${(a.app.server.address() as AddressInfo).port}/.well-known/jwks.json`,
      issuer: DEFAULT_TOKEN_ISSUER,
      audience: DEFAULT_TOKEN_AUDIENCE,
      now: a.clock.now,
      // Real time, not the test clock: without this the refetch would wait for the default 5 s.
      cooldownMs: 0,
    });
    const before = (await logInOk(a.app, 'ada@example.com')).accessToken;
    const oldKid = kid(before);
    await expect(remote.verify(before)).resolves.toMatchObject({ role: 'customer' });

    const operator = (await logInOk(a.app, OPERATOR)).accessToken;
    const res = await send(a.app, '/v1/ops/keys/rotate', undefined, { token: operator });
    expect(res.statusCode).toBe(200);
    const { signing } = res.json();
    expect(signing).toEqual({ kid: expect.any(String), retired: [oldKid], dropped: [] });
    const newKid = signing.kid as string;
    expect(newKid).not.toBe(oldKid);

    const fromA = (await logInOk(a.app, 'ada@example.com')).accessToken;
    expect(kid(fromA)).toBe(newKid);
    // B signs with the key it loaded until that is a minute old, then reads the current one.
    expect(kid((await logInOk(b.app, 'ada@example.com')).accessToken)).toBe(oldKid);
    a.clock.advance(61_000);
    expect(kid((await logInOk(b.app, 'ada@example.com')).accessToken)).toBe(newKid);

    expect(await jwksKids(a)).toEqual([oldKid, newKid]);
    expect(await jwksKids(b)).toEqual([oldKid, newKid]);
    for (const gw of [a, b]) {
      expect(await me(gw, before)).toBe(200);
      expect(await me(gw, fromA)).toBe(200);
    }
    await expect(remote.verify(before)).resolves.toMatchObject({ role: 'customer' });
    await expect(remote.verify(fromA)).resolves.toMatchObject({ role: 'customer' });

    // Past the token TTL plus the replicas' key cache (and a margin), the old key is unpublished…
    a.clock.advance(16 * 60_000);
    expect(await jwksKids(a)).toEqual([newKid]);
    // …and the next rotation deletes it.
    const again = (
      await send(a.app, '/v1/ops/keys/rotate', undefined, { token: (await logInOk(a.app, OPERATOR)).accessToken })
    ).json();
    expect(again.signing).toMatchObject({ retired: [newKid], dropped: [oldKid] });
    const { rows } = await (dbs[0] as Db).query<{ kid: string }>(
      'SELECT kid FROM gateway.signing_keys ORDER BY created_at',
    );
    expect(rows.map((r) => r.kid)).toEqual([newKid, again.signing.kid]);
  });

  it('when a customer or nobody asks to rotate, or an operator sends a body with fields, then 403 / 401 / 400 and the key stays', async () => {
    const [a] = await twoReplicas();
    const customer = (await logInOk(a.app, 'ada@example.com')).accessToken;
    const kids = await jwksKids(a);
    expect((await send(a.app, '/v1/ops/keys/rotate', undefined, { token: customer })).statusCode).toBe(403);
    expect((await send(a.app, '/v1/ops/keys/rotate', undefined)).statusCode).toBe(401);
    const operator = (await logInOk(a.app, OPERATOR)).accessToken;
    const withBody = await send(a.app, '/v1/ops/keys/rotate', { kid: 'mine' }, { token: operator });
    expect(withBody.statusCode).toBe(400);
    expect(withBody.json().error.code).toBe('ORDO_ERR_HTTP_VALIDATION');
    expect(await jwksKids(a)).toEqual(kids);
  });
});

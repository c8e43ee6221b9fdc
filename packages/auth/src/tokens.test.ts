import { AppError } from '@ordo/errors';
import { decodeProtectedHeader, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { EphemeralKeyStore } from './ephemeral.key-store.js';
import { LocalKeysVerifier } from './local-keys.verifier.js';
import { Role } from './role.js';
import { TokenIssuer } from './token-issuer.js';

const ISS = 'urn:ordo:gateway';
const AUD = 'urn:ordo:api';

function clock(start = new Date('2026-01-01T12:00:00Z')) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

function setup(overrides: { issuer?: string; audience?: string } = {}) {
  const keys = new EphemeralKeyStore();
  const time = clock();
  const issuer = new TokenIssuer({
    keys,
    issuer: overrides.issuer ?? ISS,
    audience: overrides.audience ?? AUD,
    now: time.now,
  });
  const verifier = new LocalKeysVerifier({ keys, issuer: ISS, audience: AUD, now: time.now });
  return { keys, time, issuer, verifier };
}

describe('TokenIssuer and LocalKeysVerifier', () => {
  it('when a token is issued, then it verifies to the same subject and role, with iss, aud, jti and a 15-minute expiry', async () => {
    const { issuer, verifier, keys } = setup();
    const issued = await issuer.issue({ userId: 'u-1', role: Role.Courier });
    expect(issued).toMatchObject({ expiresIn: 900, tokenType: 'Bearer' });

    const claims = await verifier.verify(issued.accessToken);
    expect(claims).toEqual({
      sub: 'u-1',
      role: 'courier',
      iss: ISS,
      aud: AUD,
      iat: Date.parse('2026-01-01T12:00:00Z') / 1000,
      exp: Date.parse('2026-01-01T12:15:00Z') / 1000,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(decodeProtectedHeader(issued.accessToken)).toEqual({
      alg: 'ES256',
      typ: 'at+jwt',
      kid: (await keys.signingKey()).kid,
    });
  });

  it('when the TTL is configured, then expiresIn and exp follow it', async () => {
    const keys = new EphemeralKeyStore();
    const issued = await new TokenIssuer({ keys, issuer: ISS, audience: AUD, ttlSeconds: 60 }).issue({
      userId: 'u',
      role: Role.Customer,
    });
    const claims = await new LocalKeysVerifier({ keys, issuer: ISS, audience: AUD }).verify(issued.accessToken);
    expect(issued.expiresIn).toBe(60);
    expect(claims.exp - claims.iat).toBe(60);
  });

  it('when the token has expired, then 401 with reason expired', async () => {
    const { issuer, verifier, time } = setup();
    const { accessToken } = await issuer.issue({ userId: 'u-1', role: Role.Customer });
    time.advance(15 * 60_000 + 10_000);
    const error = await rejection(verifier.verify(accessToken));
    expect(error).toMatchObject({
      code: 'ORDO_ERR_AUTH_UNAUTHENTICATED',
      httpStatus: 401,
      details: { reason: 'expired' },
    });
  });

  it('when the token was signed by another key, then 401 with reason unknown_key, and bad_signature if the kid is reused', async () => {
    const { verifier, keys } = setup();
    const other = new TokenIssuer({ keys: new EphemeralKeyStore(), issuer: ISS, audience: AUD });
    const { accessToken } = await other.issue({ userId: 'u-1', role: Role.Operator });
    expect((await rejection(verifier.verify(accessToken))).details).toEqual({ reason: 'unknown_key' });

    const forged = await new SignJWT({ role: 'operator' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: (await keys.signingKey()).kid })
      .setSubject('u-1')
      .setIssuer(ISS)
      .setAudience(AUD)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti('j')
      .sign((await new EphemeralKeyStore().signingKey()).privateKey);
    expect((await rejection(verifier.verify(forged))).details).toEqual({ reason: 'bad_signature' });
  });

  it('when the issuer or audience differ, then 401 with reason wrong_issuer / wrong_audience', async () => {
    const wrongIss = setup({ issuer: 'urn:evil' });
    const t1 = await wrongIss.issuer.issue({ userId: 'u', role: Role.Customer });
    expect((await rejection(wrongIss.verifier.verify(t1.accessToken))).details).toEqual({ reason: 'wrong_issuer' });

    const wrongAud = setup({ audience: 'urn:other-api' });
    const t2 = await wrongAud.issuer.issue({ userId: 'u', role: Role.Customer });
    expect((await rejection(wrongAud.verifier.verify(t2.accessToken))).details).toEqual({ reason: 'wrong_audience' });
  });

  it('when the token is garbage, unsigned, or not an access token, then 401 with reason malformed or invalid_claims', async () => {
    const { verifier, keys } = setup();
    for (const garbage of ['', 'abc', 'a.b.c', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1In0.']) {
      expect((await rejection(verifier.verify(garbage))).details, garbage).toEqual({ reason: 'malformed' });
    }
    const key = await keys.signingKey();
    const sign = (typ: string, role: string) =>
      new SignJWT({ role })
        .setProtectedHeader({ alg: 'ES256', typ, kid: key.kid })
        .setSubject('u')
        .setIssuer(ISS)
        .setAudience(AUD)
        .setIssuedAt()
        .setExpirationTime('5m')
        .setJti('j')
        .sign(key.privateKey);
    expect((await rejection(verifier.verify(await sign('JWT', 'customer')))).details).toEqual({
      reason: 'invalid_claims',
    });
    expect((await rejection(verifier.verify(await sign('at+jwt', 'admin')))).details).toEqual({
      reason: 'invalid_claims',
    });
  });

  it('when the key source fails, then 503 ORDO_ERR_AUTH_KEYS_UNAVAILABLE, and a later call tries again', async () => {
    const { issuer, keys } = setup();
    const { accessToken } = await issuer.issue({ userId: 'u', role: Role.Customer });
    let fail = true;
    const verifier = new LocalKeysVerifier({
      keys: {
        publicKeys: () => (fail ? Promise.reject(new Error('connection refused')) : keys.publicKeys()),
      },
      issuer: ISS,
      audience: AUD,
      now: () => new Date('2026-01-01T12:01:00Z'),
    });
    const error = await rejection(verifier.verify(accessToken));
    expect(error).toMatchObject({ code: 'ORDO_ERR_AUTH_KEYS_UNAVAILABLE', httpStatus: 503, retryable: true });
    fail = false;
    await expect(verifier.verify(accessToken)).resolves.toMatchObject({ sub: 'u' });
  });

  it('when nbf or iat lies in the future beyond the tolerance, then 401 with reason not_yet_valid', async () => {
    const { verifier, keys, time } = setup();
    const key = await keys.signingKey();
    const now = Math.floor(time.now().getTime() / 1000);
    const sign = (claims: { iat?: number; exp?: number; nbf?: number }) =>
      new SignJWT({ role: 'customer' })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid })
        .setSubject('u')
        .setIssuer(ISS)
        .setAudience(AUD)
        .setJti('j')
        .setIssuedAt(claims.iat ?? now)
        .setExpirationTime(claims.exp ?? now + 600)
        .setNotBefore(claims.nbf ?? now)
        .sign(key.privateKey);
    for (const claims of [{ nbf: now + 60 }, { iat: now + 60, nbf: now + 60, exp: now + 900 }, { iat: now + 60 }]) {
      expect((await rejection(verifier.verify(await sign(claims)))).details, JSON.stringify(claims)).toEqual({
        reason: 'not_yet_valid',
      });
    }
    // Within the 5 s tolerance a slightly fast issuer clock is fine.
    await expect(verifier.verify(await sign({ iat: now + 3, nbf: now + 3 }))).resolves.toMatchObject({ sub: 'u' });
  });
});

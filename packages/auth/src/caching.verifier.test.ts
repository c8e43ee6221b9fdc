import { AppError } from '@ordo/errors';
import { describe, expect, it } from 'vitest';
import { CachingTokenVerifier } from './caching.verifier.js';
import type { AccessTokenClaims } from './claims.js';
import { EphemeralKeyStore } from './ephemeral.key-store.js';
import { LocalKeysVerifier } from './local-keys.verifier.js';
import { Role } from './role.js';
import { TokenIssuer } from './token-issuer.js';
import type { TokenVerifier } from './token-verifier.js';

const ISS = 'urn:ordo:gateway';
const AUD = 'urn:ordo:api';

function setup(options: { maxEntries?: number; maxAgeMs?: number } = {}) {
  let now = new Date('2026-01-01T12:00:00Z');
  const clock = { now: () => now, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
  const keys = new EphemeralKeyStore();
  const issuer = new TokenIssuer({ keys, issuer: ISS, audience: AUD, now: clock.now });
  const real = new LocalKeysVerifier({ keys, issuer: ISS, audience: AUD, now: clock.now });
  // The real verifier, counted: how many tokens actually went through signature checks.
  const counted = {
    calls: 0,
    verify(token: string): Promise<AccessTokenClaims> {
      counted.calls += 1;
      return real.verify(token);
    },
  } satisfies TokenVerifier & { calls: number };
  const verifier = new CachingTokenVerifier(counted, { ...options, now: clock.now });
  const token = async (userId = 'u-1') => (await issuer.issue({ userId, role: Role.Customer })).accessToken;
  return { clock, counted, verifier, token };
}

async function reasonOf(promise: Promise<unknown>): Promise<unknown> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).details?.reason;
}

describe('CachingTokenVerifier', () => {
  it('when the same token comes again, then it is not verified again and gives the same claims', async () => {
    const { counted, verifier, token } = setup();
    const t = await token();
    const first = await verifier.verify(t);
    expect(await verifier.verify(t)).toEqual(first);
    expect(await verifier.verify(t)).toEqual(first);
    expect(counted.calls).toBe(1);
  });

  it('when requests arrive together with a new token, then they share one verification', async () => {
    const { counted, verifier, token } = setup();
    const t = await token();
    const all = await Promise.all(Array.from({ length: 10 }, () => verifier.verify(t)));
    expect(new Set(all.map((c) => c.jti)).size).toBe(1);
    expect(counted.calls).toBe(1);
  });

  it('when a remembered token expires, then it is refused as expired, not served from memory', async () => {
    const { clock, verifier, token } = setup({ maxAgeMs: 60 * 60_000 });
    const t = await token();
    await verifier.verify(t);
    clock.advance(15 * 60_000 + 10_000);
    expect(await reasonOf(verifier.verify(t))).toBe('expired');
  });

  it('when the remembered verification is older than maxAgeMs, then the token is verified again', async () => {
    const { clock, counted, verifier, token } = setup({ maxAgeMs: 30_000 });
    const t = await token();
    await verifier.verify(t);
    clock.advance(30_001);
    await verifier.verify(t);
    expect(counted.calls).toBe(2);
  });

  it('when a token is refused, then nothing is remembered: a tampered copy of a remembered token is refused every time', async () => {
    const { counted, verifier, token } = setup();
    const t = await token();
    await verifier.verify(t);
    const [header, payload, signature] = t.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, role: 'operator' })).toString('base64url')}.${signature}`;
    expect(await reasonOf(verifier.verify(forged))).toBe('bad_signature');
    expect(await reasonOf(verifier.verify(forged))).toBe('bad_signature');
    expect(counted.calls).toBe(3);
    expect(verifier.size).toBe(1);
  });

  it('when more tokens come than it keeps, then the least recently used is dropped first', async () => {
    const { counted, verifier, token } = setup({ maxEntries: 2 });
    const [a, b, c] = [await token('a'), await token('b'), await token('c')];
    await verifier.verify(a);
    await verifier.verify(b);
    await verifier.verify(a); // a is now the most recently used
    await verifier.verify(c); // drops b
    expect(verifier.size).toBe(2);
    expect(counted.calls).toBe(3);
    await verifier.verify(a);
    await verifier.verify(c);
    expect(counted.calls).toBe(3);
    await verifier.verify(b);
    expect(counted.calls).toBe(4);
  });
});

// Component test: refresh tokens through the HTTP API. Rotation on every use, a replayed token
// revoking its whole family, logout, expiry, and refreshes racing with one token. On a real
// PostgreSQL server (PGlite has one connection, so nothing would race); one database for the
// file, a fresh account per test.
import { randomUUID } from 'node:crypto';
import { DbDataKeyStore, FieldCipher, LookupFields } from '@ordo/crypto';
import type { Db } from '@ordo/db';
import { silentLogger } from '@ordo/logger';
import { createTestPgDatabase, type TestPgDatabase, testFieldKeys } from '@ordo/testing';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sessionComponents } from '../src/sessions.module.js';
import { housekeeping } from '../src/use-cases/housekeeping.js';
import { type RunningGateway, register } from './gateway-harness.js';
import { logInOk, PASSWORD, refresh, refreshRefusal, send, startTestGateway } from './session-harness.js';

let pg: TestPgDatabase;
let db: Db;
let gw: RunningGateway | undefined;
let email: string;
let userId: string;

beforeAll(async () => {
  pg = await createTestPgDatabase('ordo_sessions');
  db = pg.open({ max: 10 });
});
afterAll(async () => {
  await db?.close();
  await pg?.drop();
});
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

async function gateway(options: { refreshTokenTtlSeconds?: number } = {}): Promise<RunningGateway> {
  gw = await startTestGateway(db, { gateway: options });
  email = `ada-${randomUUID()}@example.com`;
  userId = (await register(gw.app, email, PASSWORD)).json().id;
  return gw;
}

function familiesOfEmail() {
  return db.query<{ token_hash: string; revoked_reason: string | null }>(
    `SELECT t.token_hash, f.revoked_reason FROM gateway.refresh_tokens t
     JOIN gateway.refresh_token_families f ON f.id = t.family_id
     WHERE f.user_id = $1`,
    [userId],
  );
}

const refused = (reason: string) => ({ status: 401, code: 'ORDO_ERR_AUTH_REFRESH_TOKEN_INVALID', reason });

describe('gateway sessions: refresh tokens', () => {
  it('when a refresh token is exchanged, then a new access token and a new refresh token come back, not cached, and the hash alone is stored', async () => {
    const { app } = await gateway();
    const first = await logInOk(app, email);
    gw?.clock.advance(60_000);
    const res = await refresh(app, first.refreshToken);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const next = res.json();
    expect(next).toEqual({
      accessToken: expect.any(String),
      expiresIn: 900,
      tokenType: 'Bearer',
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      refreshExpiresIn: 30 * 24 * 3600,
    });
    expect(next.refreshToken).not.toBe(first.refreshToken);
    expect(decodeJwt(next.accessToken)).toMatchObject({ sub: decodeJwt(first.accessToken).sub, role: 'customer' });
    const me = await app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${next.accessToken}` } });
    expect(me.statusCode).toBe(200);

    const { rows } = await familiesOfEmail();
    expect(rows).toHaveLength(2);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(first.refreshToken);
    expect(stored).not.toContain(next.refreshToken);
  });

  it('when a rotated refresh token is presented again, then 401 reused, and every token of the family is refused afterwards', async () => {
    const { app } = await gateway();
    const first = await logInOk(app, email);
    const second = (await refresh(app, first.refreshToken)).json();
    const third = (await refresh(app, second.refreshToken)).json();
    const otherLogin = await logInOk(app, email);

    expect(refreshRefusal(await refresh(app, first.refreshToken))).toEqual(refused('reused'));
    // The newest token of the family, never used, is dead too; so is the one replayed.
    expect(refreshRefusal(await refresh(app, third.refreshToken))).toEqual(refused('revoked'));
    expect(refreshRefusal(await refresh(app, first.refreshToken))).toEqual(refused('revoked'));
    // Another login (another family) is untouched.
    expect((await refresh(app, otherLogin.refreshToken)).statusCode).toBe(200);
  });

  it('when logging out, then 204, the family is refused afterwards, and logging out again or with an unknown token is 204 too', async () => {
    const { app } = await gateway();
    const first = await logInOk(app, email);
    const second = (await refresh(app, first.refreshToken)).json();
    const out = await send(app, '/v1/auth/logout', { refreshToken: second.refreshToken });
    expect(out.statusCode).toBe(204);
    expect(out.body).toBe('');
    expect(refreshRefusal(await refresh(app, second.refreshToken))).toEqual(refused('revoked'));
    expect((await send(app, '/v1/auth/logout', { refreshToken: second.refreshToken })).statusCode).toBe(204);
    expect((await send(app, '/v1/auth/logout', { refreshToken: first.refreshToken })).statusCode).toBe(204);
    expect((await send(app, '/v1/auth/logout', { refreshToken: 'x'.repeat(43) })).statusCode).toBe(204);
    expect((await send(app, '/v1/auth/logout', { refreshToken: 'nope' })).statusCode).toBe(204);
  });

  it('when a refresh token is past its lifetime, then 401 expired; each refresh gives the next token a full lifetime', async () => {
    const { app, clock } = await gateway({ refreshTokenTtlSeconds: 3600 });
    const first = await logInOk(app, email);
    clock.advance(3000_000);
    const second = (await refresh(app, first.refreshToken)).json();
    expect(second.refreshExpiresIn).toBe(3600);
    clock.advance(3000_000);
    const third = (await refresh(app, second.refreshToken)).json();
    clock.advance(3601_000);
    expect(refreshRefusal(await refresh(app, third.refreshToken))).toEqual(refused('expired'));
  });

  it('when the token is unknown or not shaped like one, then 401 unknown; a body with another key or no token is a 400', async () => {
    const { app } = await gateway();
    expect(refreshRefusal(await refresh(app, 'A'.repeat(43)))).toEqual(refused('unknown'));
    expect(refreshRefusal(await refresh(app, 'not a token'))).toEqual(refused('unknown'));
    for (const [url, body] of [
      ['/v1/auth/refresh', {}],
      ['/v1/auth/refresh', { refreshToken: 'A'.repeat(43), extra: 1 }],
      ['/v1/auth/logout', { refreshToken: 'A'.repeat(43), userId: 'u' }],
      ['/v1/auth/login', { email, password: PASSWORD, remember: true }],
      ['/v1/auth/register', { email: 'bob@example.com', password: PASSWORD, role: 'operator' }],
    ] as const) {
      const res = await send(app, url, body);
      expect(res.statusCode, `${url} ${JSON.stringify(body)}`).toBe(400);
      expect(res.json().error.code).toBe('ORDO_ERR_HTTP_VALIDATION');
    }
  });
});

describe('gateway housekeeping', () => {
  it('when sessions have expired and failure counters are past their memory, then a sweep deletes them and keeps the live ones', async () => {
    const { app, clock } = await gateway({ refreshTokenTtlSeconds: 3600 });
    const { keyring } = testFieldKeys('gateway');
    const cipher = new FieldCipher({ keyring, dataKeys: new DbDataKeyStore(db, 'gateway', keyring) });
    const ended = await logInOk(app, email);
    const kept = await logInOk(app, email);
    const ip = `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const wrong = await send(app, '/v1/auth/login', { email, password: 'wrong horse' }, { ip });
    expect(wrong.statusCode).toBe(401);
    clock.advance(3000_000);
    const renewed = (await refresh(app, kept.refreshToken)).json();
    // An hour and a bit later: the first login's only token has expired, the renewed one has not,
    // and the account's failure counter (forgotten after an hour) would start over.
    clock.advance(1000_000);
    const families = async () =>
      (
        await db.query<{ family_id: string }>(
          `SELECT DISTINCT t.family_id FROM gateway.refresh_tokens t
             JOIN gateway.refresh_token_families f ON f.id = t.family_id
            WHERE f.user_id = $1`,
          [userId],
        )
      ).rows.length;
    expect(await families()).toBe(2);
    // Keyed by an HMAC of the email under the account purpose's lookup key, never a plain hash.
    const accountKey = (await cipher.lookupHashToStore(LookupFields.loginAccount, email.toLowerCase())).hash;
    const counters = async () =>
      (
        await db.query<{ scope: string }>(
          "SELECT scope FROM gateway.login_failures WHERE (scope = 'ip' AND key = $1) OR (scope = 'account' AND key = $2) ORDER BY scope",
          [ip, accountKey],
        )
      ).rows.map((r) => r.scope);
    expect(await counters()).toEqual(['account', 'ip']);

    const { refreshTokens, throttle } = sessionComponents(db, {}, clock.now, cipher);
    const sweeper = housekeeping({
      idempotencyKeys: { deleteExpired: async () => 0 },
      refreshTokens,
      loginThrottle: throttle,
      now: clock.now,
      logger: silentLogger,
      batchSize: 1,
    });
    const swept = await sweeper.sweep();
    expect(swept.sessions).toBeGreaterThanOrEqual(1);
    expect(swept.loginCounters).toBeGreaterThanOrEqual(1);
    expect(await families()).toBe(1);
    expect(refreshRefusal(await refresh(app, ended.refreshToken)).reason).toBe('unknown');
    expect((await refresh(app, renewed.refreshToken)).statusCode).toBe(200);
    // The address's counter is kept for a day.
    expect(await counters()).toEqual(['ip']);
  });
});

describe('gateway sessions: racing refreshes', () => {
  it('when ten refreshes race with one token, then exactly one wins and the family is revoked (the others count as replays)', async () => {
    const { app } = await gateway();
    const { refreshToken } = await logInOk(app, email);

    const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(app, refreshToken)));
    const winners = answers.filter((r) => r.statusCode === 200);
    expect(winners).toHaveLength(1);
    for (const loser of answers.filter((r) => r.statusCode !== 200)) {
      expect(refreshRefusal(loser)).toMatchObject({ status: 401, code: 'ORDO_ERR_AUTH_REFRESH_TOKEN_INVALID' });
      expect(['reused', 'revoked']).toContain(refreshRefusal(loser).reason);
    }
    expect(answers.some((r) => refreshRefusal(r).reason === 'reused')).toBe(true);
    // The winner's new token belongs to the revoked family.
    const winnerNext = winners[0]?.json().refreshToken as string;
    expect(refreshRefusal(await refresh(app, winnerNext))).toEqual(refused('revoked'));
    const { rows } = await familiesOfEmail();
    expect(new Set(rows.map((r) => r.revoked_reason))).toEqual(new Set(['reuse']));
  });
});

// Component test: failed logins back off per account (short cap) and per client address (long
// cap), answered 429 with Retry-After without checking the password. The clock is the gateway's
// `now`, moved by the test. One PostgreSQL database for the file (the state replicas share);
// each test uses its own accounts and addresses.
import { randomInt, randomUUID } from 'node:crypto';
import type { Db } from '@ordo/db';
import { createTestPgDatabase, type TestPgDatabase } from '@ordo/testing';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, register } from './gateway-harness.js';
import { PASSWORD, send, startTestGateway } from './session-harness.js';

let pg: TestPgDatabase;
let db: Db;
let gw: RunningGateway | undefined;

beforeAll(async () => {
  pg = await createTestPgDatabase('ordo_backoff');
  db = pg.open({ max: 4 });
});
afterAll(async () => {
  await db?.close();
  await pg?.drop();
});
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const freshEmail = () => `user-${randomUUID()}@example.com`;

async function gateway(): Promise<RunningGateway> {
  gw = await startTestGateway(db);
  return gw;
}

function attempt(email: string, password: string, ip: string): Promise<LightMyRequestResponse> {
  return send((gw as RunningGateway).app, '/v1/auth/login', { email, password }, { ip });
}

function expectThrottled(res: LightMyRequestResponse, retryAfter: number) {
  expect(res.statusCode).toBe(429);
  expect(res.headers['retry-after']).toBe(String(retryAfter));
  expect(res.json().error).toMatchObject({
    code: 'ORDO_ERR_AUTH_LOGIN_THROTTLED',
    details: { retryAfterSeconds: retryAfter },
  });
}

describe('gateway login backoff', () => {
  it('when an account fails 5 times, then each further attempt waits 1, 2, 4… s, even with the right password, and a success resets it', async () => {
    const { app, clock } = await gateway();
    const email = freshEmail();
    await register(app, email, PASSWORD);
    for (let i = 0; i < 5; i++) {
      // From a new address each time: this is the account's counter, not an address's.
      expect((await attempt(email, 'wrong horse', freshIp())).statusCode).toBe(401);
    }
    expectThrottled(await attempt(email, PASSWORD, freshIp()), 1);
    clock.advance(1_000);
    expect((await attempt(email, 'wrong horse', freshIp())).statusCode).toBe(401);
    expectThrottled(await attempt(email, 'wrong horse', freshIp()), 2);
    clock.advance(1_000);
    expectThrottled(await attempt(email, PASSWORD, freshIp()), 1);
    clock.advance(1_000);
    expect((await attempt(email, PASSWORD, freshIp())).statusCode).toBe(200);
    // Counter cleared: the next failure is a plain 401 and the one after it too.
    expect((await attempt(email, 'wrong horse', freshIp())).statusCode).toBe(401);
    expect((await attempt(email, 'wrong horse', freshIp())).statusCode).toBe(401);
  });

  it('when one address fails 5 times across accounts, then it waits before any further login, and other addresses do not', async () => {
    const { app, clock } = await gateway();
    const ip = freshIp();
    const email = freshEmail();
    await register(app, email, PASSWORD);
    for (let i = 0; i < 5; i++) {
      expect((await attempt(freshEmail(), 'wrong horse', ip)).statusCode).toBe(401);
    }
    expectThrottled(await attempt(email, PASSWORD, ip), 1);
    expect((await attempt(email, PASSWORD, freshIp())).statusCode).toBe(200);
    clock.advance(1_000);
    expect((await attempt(email, PASSWORD, ip)).statusCode).toBe(200);
    // A success does not clear the address's count: its next failure waits 2 s.
    expect((await attempt(freshEmail(), 'wrong horse', ip)).statusCode).toBe(401);
    expectThrottled(await attempt(email, PASSWORD, ip), 2);
  });

  it('when an attacker hammers an account from one address for an hour, then the address is blocked 15 min while the owner, elsewhere, waits at most 60 s', async () => {
    const { app, clock } = await gateway();
    const victim = freshEmail();
    await register(app, victim, PASSWORD);
    const attacker = freshIp();
    let attacks = 0;
    for (let elapsed = 0; elapsed < 3600_000; ) {
      const res = await attempt(victim, 'guess', attacker);
      const wait = res.statusCode === 429 ? Number(res.headers['retry-after']) : 0;
      if (res.statusCode === 401) attacks++;
      // The attacker comes back as soon as it may.
      const step = Math.max(wait, 1) * 1000;
      clock.advance(step);
      elapsed += step;
    }
    // The loop ends where the attacker may guess again; it does, and then must wait long.
    expect((await attempt(victim, 'guess', attacker)).statusCode).toBe(401);
    const lastAttack = await attempt(victim, 'guess', attacker);
    expectThrottled(lastAttack, Number(lastAttack.headers['retry-after']));
    expect(Number(lastAttack.headers['retry-after'])).toBe(900);
    // The attacker's real guesses: 5 free, then 1 s, 2 s, … up to 15 min apart.
    expect(attacks).toBeLessThan(20);

    // The owner, from home: the account's cap (the attacker has just failed), then in.
    const home = freshIp();
    expectThrottled(await attempt(victim, PASSWORD, home), 60);
    clock.advance(60_000);
    expect((await attempt(victim, PASSWORD, home)).statusCode).toBe(200);
    // …while the attacker's address is still blocked.
    expect((await attempt(victim, 'guess', attacker)).statusCode).toBe(429);
  });
});

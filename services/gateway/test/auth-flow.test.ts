// Component test: registration, login, the caller's profile, and role checks, through the
// HTTP API on a real (PGlite) database.
import { Role } from '@ordo/auth';
import { DbDataKeyStore, FieldCipher } from '@ordo/crypto';
import type { Db } from '@ordo/db';
import { createTestPgliteDb, testFieldKeys } from '@ordo/testing';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GATEWAY_SCHEMA, seedUsers } from '../src/index.js';
import {
  countUsers,
  login,
  postJson,
  type RunningGateway,
  register,
  startGateway,
  tokenFor,
} from './gateway-harness.js';

let db: Db;
let gw: RunningGateway;

beforeEach(async () => {
  db = await createTestPgliteDb();
  gw = await startGateway(db);
});
afterEach(async () => {
  await gw?.close();
  await db?.close();
});

const OPERATOR = { email: 'ops@ordo.test', password: 'operator-secret', role: Role.Operator };

describe('gateway: register, login, me', () => {
  it('when a customer registers, logs in and asks who they are, then each step answers with the same account', async () => {
    const reg = await register(gw.app, 'Ada@Example.com', 'correct horse', 'Ada');
    expect(reg.statusCode).toBe(201);
    const created = reg.json();
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email: 'ada@example.com',
      role: 'customer',
    });

    const res = await login(gw.app, 'ada@example.com', 'correct horse');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body).toEqual({
      accessToken: expect.any(String),
      expiresIn: 900,
      tokenType: 'Bearer',
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      refreshExpiresIn: 30 * 24 * 3600,
    });
    expect(decodeJwt(body.accessToken)).toMatchObject({ sub: created.id, role: 'customer' });

    const me = await gw.app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { authorization: `Bearer ${body.accessToken}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({
      id: created.id,
      email: 'ada@example.com',
      role: 'customer',
      name: 'Ada',
      createdAt: expect.any(String),
    });
  });

  it('when a registration asks for another role, then 400 ORDO_ERR_HTTP_VALIDATION and no account', async () => {
    const res = await postJson(gw.app, '/v1/auth/register', {
      email: 'sneaky@example.com',
      password: 'correct horse',
      role: 'operator',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'ORDO_ERR_HTTP_VALIDATION', details: { in: 'body' } });
    expect(await countUsers(db)).toBe(0);
  });

  it('when the password is wrong or the email unknown, then both get the same 401 code and message', async () => {
    await register(gw.app, 'ada@example.com', 'correct horse');
    const wrongPassword = await login(gw.app, 'ada@example.com', 'wrong horse');
    const unknownEmail = await login(gw.app, 'nobody@example.com', 'correct horse');
    const notAnEmail = await login(gw.app, 'not-an-email', 'correct horse');
    for (const res of [wrongPassword, unknownEmail, notAnEmail]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: { code: 'ORDO_ERR_AUTH_INVALID_CREDENTIALS', message: 'The email or password is wrong' },
      });
    }
    expect(unknownEmail.body).toBe(wrongPassword.body);
  });

  it('when an email is registered again in another case, then 409 ORDO_ERR_AUTH_EMAIL_TAKEN and one account exists', async () => {
    expect((await register(gw.app, 'ada@example.com', 'correct horse')).statusCode).toBe(201);
    const again = await register(gw.app, '  ADA@Example.COM ', 'another horse');
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({
      error: { code: 'ORDO_ERR_AUTH_EMAIL_TAKEN', message: 'An account with this email already exists' },
    });
    expect(await countUsers(db)).toBe(1);
    // The first password still works; the second attempt changed nothing.
    expect((await login(gw.app, 'ada@example.com', 'correct horse')).statusCode).toBe(200);
  });

  it('when the email is implausible or the password too short or too long, then 400 with its own code and no account', async () => {
    const badEmail = await register(gw.app, 'ada@localhost', 'correct horse');
    expect(badEmail.statusCode).toBe(400);
    expect(badEmail.json().error.code).toBe('ORDO_ERR_AUTH_INVALID_EMAIL');

    for (const password of ['short', 'x'.repeat(129)]) {
      const res = await register(gw.app, 'ada@example.com', password);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toEqual({
        code: 'ORDO_ERR_AUTH_PASSWORD_POLICY',
        message: 'The password must be 8 to 128 characters long',
        details: { minLength: 8, maxLength: 128 },
      });
    }
    expect(await countUsers(db)).toBe(0);
  });
});

describe('gateway: roles', () => {
  it('when a customer calls the operator-only POST /v1/users, then 403 ORDO_ERR_AUTH_FORBIDDEN and no account', async () => {
    await register(gw.app, 'ada@example.com', 'correct horse');
    const token = await tokenFor(gw.app, 'ada@example.com', 'correct horse');
    const res = await postJson(
      gw.app,
      '/v1/users',
      { email: 'courier@example.com', password: 'courier-pass', role: 'courier' },
      token,
    );
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('ORDO_ERR_AUTH_FORBIDDEN');
    expect(await countUsers(db)).toBe(1);
  });

  it('when an operator creates a courier, then the courier can log in with the courier role', async () => {
    await seedUsers(db, [OPERATOR], { fieldKeys: testFieldKeys('gateway') });
    const opsToken = await tokenFor(gw.app, OPERATOR.email, OPERATOR.password);
    const res = await postJson(
      gw.app,
      '/v1/users',
      { email: 'Courier@Example.com', password: 'courier-pass', role: 'courier' },
      opsToken,
    );
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ email: 'courier@example.com', role: 'courier' });
    const token = await tokenFor(gw.app, 'courier@example.com', 'courier-pass');
    expect(decodeJwt(token)).toMatchObject({ sub: res.json().id, role: 'courier' });
  });

  it('when an operator sends an unknown role, then 400 ORDO_ERR_HTTP_VALIDATION', async () => {
    await seedUsers(db, [OPERATOR], { fieldKeys: testFieldKeys('gateway') });
    const opsToken = await tokenFor(gw.app, OPERATOR.email, OPERATOR.password);
    const res = await postJson(
      gw.app,
      '/v1/users',
      { email: 'x@example.com', password: 'long enough', role: 'admin' },
      opsToken,
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('ORDO_ERR_HTTP_VALIDATION');
    expect(await countUsers(db)).toBe(1);
  });
});

describe('seedUsers', () => {
  it('when seeded twice, then the accounts are created once and the second run reports them as existing', async () => {
    const users = [
      OPERATOR,
      { email: 'Courier1@ordo.test', password: 'courier-secret', role: Role.Courier, name: 'Courier One' },
      { email: 'kitchen@ordo.test', password: 'kitchen-secret', role: Role.Restaurant },
      { email: 'demo@ordo.test', password: 'demo-secret', role: Role.Customer },
    ];
    // Names are personal data: the seed seals them with the gateway's key, never stores them in clear.
    const { keyring } = testFieldKeys('gateway');
    const cipher = new FieldCipher({ keyring, dataKeys: new DbDataKeyStore(db, GATEWAY_SCHEMA, keyring) });
    await expect(seedUsers(db, [users[1]!])).rejects.toMatchObject({ code: 'ORDO_ERR_CRYPTO_NOT_ENTITLED' });
    expect(await countUsers(db)).toBe(0);
    const first = await seedUsers(db, users, { cipher });
    const { rows } = await db.query<{ name: string }>(`SELECT name FROM gateway.users WHERE name IS NOT NULL`);
    expect(rows).toEqual([{ name: expect.stringMatching(/^ordo1\.account\./) }]);
    expect(first).toEqual({
      created: ['ops@ordo.test', 'courier1@ordo.test', 'kitchen@ordo.test', 'demo@ordo.test'],
      existing: [],
      ids: Object.fromEntries(first.created.map((email) => [email, expect.any(String)])),
    });
    const second = await seedUsers(db, users, { cipher });
    // The second run reports the same accounts, with the same ids, to link profiles to.
    expect(second).toEqual({ created: [], existing: first.created, ids: first.ids });
    expect(await countUsers(db)).toBe(4);
    const token = await tokenFor(gw.app, 'courier1@ordo.test', 'courier-secret');
    expect(decodeJwt(token).role).toBe('courier');
  });

  it('when a seed user breaks the rules, then it fails with the same code as the API', async () => {
    await expect(
      seedUsers(db, [{ email: 'x@ordo.test', password: 'short', role: Role.Courier }]),
    ).rejects.toMatchObject({ code: 'ORDO_ERR_AUTH_PASSWORD_POLICY' });
  });
});

// What the gateway stores sealed (ADR 0023): users' names and emails, the answers kept for
// idempotency keys, and its private signing keys. Clients read all of it back as before.
import type { Db } from '@ordo/db';
import { createTestPgliteDb } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register, tokenFor } from './gateway-harness.js';
import { customer, type IdempotencyEnv, send, startIdempotencyEnv } from './idempotency-harness.js';

describe('gateway: sealed at rest', () => {
  let db: Db;
  let env: IdempotencyEnv;

  beforeAll(async () => {
    db = await createTestPgliteDb();
    env = await startIdempotencyEnv(db, 'embedded');
  });
  afterAll(async () => {
    await env?.close();
    await db?.close();
  });

  it('when a user registers with a name, then the name is stored sealed and /v1/me shows it in clear', async () => {
    const registered = await register(env.app, 'zqxw@example.com', 'correct horse battery', 'Ada Zqxw');
    expect(registered.statusCode).toBe(201);
    const { rows } = await db.query<{ name: string }>(`SELECT name FROM gateway.users WHERE id = $1`, [
      registered.json().id,
    ]);
    expect(rows[0]!.name).toMatch(/^ordo1\.account\./);
    const token = await tokenFor(env.app, 'zqxw@example.com', 'correct horse battery');
    const me = await env.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.json()).toMatchObject({ email: 'zqxw@example.com', name: 'Ada Zqxw' });
  });

  it('when an answer is kept for an idempotency key, then it is stored sealed and replayed exactly', async () => {
    const token = await customer(env.app, 'kept@example.com');
    const first = await send(env.app, token, 'sealed-1', { n: 41 });
    const { rows } = await db.query<{ response_body: string }>(
      `SELECT response_body FROM gateway.idempotency_keys WHERE key = 'sealed-1'`,
    );
    expect(rows[0]!.response_body).toMatch(/^ordo1\.idempotency\./);
    expect(rows[0]!.response_body).not.toContain('"n":41');
    const again = await send(env.app, token, 'sealed-1', { n: 41 });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
  });

  it('when the gateway has started, then its private signing key is stored sealed', async () => {
    const { rows } = await db.query<{ private_jwk: unknown }>('SELECT private_jwk FROM gateway.signing_keys');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.private_jwk).toEqual(expect.stringMatching(/^ordo1\.signing\./));
  });
});

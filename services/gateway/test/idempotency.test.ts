// Component test of Idempotency-Key at the gateway (ADR 0018), in both shapes: a stand-in
// service mounted after the gateway (embedded) or behind its proxy (distributed).
import { FieldCipher } from '@ordo/crypto';
import type { Db } from '@ordo/db';
import { silentLogger } from '@ordo/logger';
import { createTestPgliteDb } from '@ordo/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IdempotencyKeyRepository } from '../src/data-access/idempotency-key.repository.js';
import { DEFAULT_IDEMPOTENCY_RETENTION_MS } from '../src/entry-points/http/idempotency.plugin.js';
import { GATEWAY_SCHEMA } from '../src/gateway-schema.js';
import { housekeeping } from '../src/use-cases/housekeeping.js';
import { tokenFor } from './gateway-harness.js';
import { customer, type IdempotencyEnv, type Shape, send, startIdempotencyEnv } from './idempotency-harness.js';

const SHAPES: readonly Shape[] = ['embedded', 'proxied'];

describe.each(SHAPES)('Idempotency-Key, %s', (shape) => {
  let db: Db;
  let env: IdempotencyEnv;
  let ada: string;
  // Tests share one gateway (each uses keys of its own) and count the runs they cause.
  let ranBefore = 0;
  const ran = () => env.standIn.ran - ranBefore;

  beforeAll(async () => {
    db = await createTestPgliteDb();
    env = await startIdempotencyEnv(db, shape);
    ada = await customer(env.app, `ada-${shape}@example.com`);
  });
  beforeEach(() => {
    ranBefore = env.standIn.ran;
  });
  afterAll(async () => {
    await env?.close();
    await db?.close();
  });

  it('when a request is repeated with its key, then the first answer is replayed exactly and the work runs once', async () => {
    const first = await send(env.app, ada, 'key-1', { n: 1 });
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    // Keys in another order are the same request.
    const retry = await send(env.app, ada, 'key-1', { n: 1 }, '/v1/things', {});
    const reordered = await env.app.inject({
      method: 'POST',
      url: '/v1/things',
      headers: { authorization: `Bearer ${ada}`, 'idempotency-key': 'key-1', 'content-type': 'application/json' },
      payload: '{ "n" : 1 }',
    });
    for (const again of [retry, reordered]) {
      expect(again.statusCode).toBe(201);
      expect(again.body).toBe(first.body);
      expect(again.headers.location).toBe(first.headers.location);
      expect(again.headers['content-type']).toBe(first.headers['content-type']);
      expect(again.headers['idempotent-replayed']).toBe('true');
    }
    expect(ran()).toBe(1);
  });

  it('when the key comes back with other parameters or another path, then 422 ORDO_ERR_IDEMPOTENCY_KEY_REUSED and nothing runs', async () => {
    expect((await send(env.app, ada, 'key-2', { n: 1 })).statusCode).toBe(201);
    const otherBody = await send(env.app, ada, 'key-2', { n: 2 });
    const otherPath = await send(env.app, ada, 'key-2', undefined, '/v1/things/t-1/void');
    for (const res of [otherBody, otherPath]) {
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('ORDO_ERR_IDEMPOTENCY_KEY_REUSED');
    }
    expect(ran()).toBe(1);
  });

  it('when the first request is still in flight, then a retry gets 409 ORDO_ERR_IDEMPOTENCY_KEY_IN_USE with Retry-After, and the first answer once it is done', async () => {
    const first = send(env.app, ada, 'key-3', { n: 3, hold: true });
    await expect.poll(() => ran()).toBe(1);
    const during = await send(env.app, ada, 'key-3', { n: 3, hold: true });
    expect(during.statusCode).toBe(409);
    expect(during.json().error.code).toBe('ORDO_ERR_IDEMPOTENCY_KEY_IN_USE');
    expect(during.headers['retry-after']).toBe('1');

    env.standIn.release();
    const answered = await first;
    const after = await send(env.app, ada, 'key-3', { n: 3, hold: true });
    expect(after.statusCode).toBe(answered.statusCode);
    expect(after.body).toBe(answered.body);
    expect(ran()).toBe(1);
  });

  it('when the first request never recorded an answer past the lock timeout, then 409 ORDO_ERR_IDEMPOTENCY_OUTCOME_UNKNOWN and it is not run again', async () => {
    const first = send(env.app, ada, 'key-4', { n: 4, hold: true });
    await expect.poll(() => ran()).toBe(1);
    env.clock.advance(61_000);
    const stale = await send(env.app, ada, 'key-4', { n: 4, hold: true });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('ORDO_ERR_IDEMPOTENCY_OUTCOME_UNKNOWN');
    expect(stale.headers['retry-after']).toBeUndefined();
    env.standIn.release();
    await first;
    expect(ran()).toBe(1);
  });

  it('when a request is refused before it runs (400, 403, 429, a retryable 409), then the key is released for a corrected request', async () => {
    const invalid = await send(env.app, ada, 'key-5', { oops: true });
    expect(invalid.statusCode).toBe(400);
    expect((await send(env.app, ada, 'key-5', { n: 5 })).statusCode).toBe(201);

    for (const [fail, status] of [
      ['AUTH_FORBIDDEN', 403],
      ['AUTH_LOGIN_THROTTLED', 429],
      ['ORDER_CONCURRENT_UPDATE', 409],
    ] as const) {
      const key = `key-5-${fail}`;
      expect((await send(env.app, ada, key, { n: 5, fail })).statusCode).toBe(status);
      const corrected = await send(env.app, ada, key, { n: 5 });
      expect(corrected.statusCode, fail).toBe(201);
      expect(corrected.headers['idempotent-replayed']).toBeUndefined();
    }
    // Without a valid token the header is not looked at: the route answers 401, nothing is kept.
    expect((await send(env.app, 'not-a-token', 'key-6', { n: 6 })).statusCode).toBe(401);
    expect((await send(env.app, ada, 'key-6', { n: 6 })).headers['idempotent-replayed']).toBeUndefined();
  });

  it('when the request ran and failed (a business 409, a 500), then that answer is kept and replayed', async () => {
    for (const [fail, status] of [
      ['ORDER_NOT_CANCELLABLE', 409],
      ['crash', 500],
    ] as const) {
      const first = await send(env.app, ada, `key-7-${fail}`, { n: 7, fail });
      expect(first.statusCode).toBe(status);
      const retry = await send(env.app, ada, `key-7-${fail}`, { n: 7, fail });
      expect(retry.statusCode).toBe(status);
      expect(retry.body).toBe(first.body);
      expect(retry.headers['idempotent-replayed']).toBe('true');
    }
    expect(ran()).toBe(2);
  });

  it('when two users send the same key, then they are two keys', async () => {
    const bob = await customer(env.app, `bob-${shape}@example.com`);
    const fromAda = await send(env.app, ada, 'shared', { n: 1 });
    const fromBob = await send(env.app, bob, 'shared', { n: 2 });
    expect(fromAda.statusCode).toBe(201);
    expect(fromBob.statusCode).toBe(201);
    expect(fromBob.headers['idempotent-replayed']).toBeUndefined();
    expect(ran()).toBe(2);
  });

  it('when the key is malformed, then 400 ORDO_ERR_IDEMPOTENCY_KEY_INVALID and nothing runs', async () => {
    for (const key of ['x'.repeat(256), 'clé', '']) {
      const res = await send(env.app, ada, key, { n: 1 });
      expect(res.statusCode, JSON.stringify(key)).toBe(400);
      expect(res.json().error.code).toBe('ORDO_ERR_IDEMPOTENCY_KEY_INVALID');
    }
    expect((await send(env.app, ada, 'k'.repeat(255), { n: 1 })).statusCode).toBe(201);
    expect(ran()).toBe(1);
  });

  it('when the route takes no key, then the header is ignored', async () => {
    const one = await send(env.app, ada, 'key-10', { n: 1 }, '/v1/notes');
    const two = await send(env.app, ada, 'key-10', { n: 2 }, '/v1/notes');
    expect([one.statusCode, two.statusCode]).toEqual([200, 200]);
    expect(two.headers['idempotent-replayed']).toBeUndefined();
    expect(ran()).toBe(2);
  });
});

describe('Idempotency-Key expiry', () => {
  let db: Db;
  let env: IdempotencyEnv;
  let first: string;

  beforeEach(async () => {
    db = await createTestPgliteDb();
    env = await startIdempotencyEnv(db, 'embedded');
    first = await customer(env.app, 'eve@example.com');
  });
  afterEach(async () => {
    await env?.close();
    await db?.close();
  });

  it('when the key has expired, then the same request runs again; and the sweep deletes expired keys', async () => {
    await send(env.app, first, 'key-8', { n: 8 });
    await send(env.app, first, 'key-9', { n: 9 });
    env.clock.advance(DEFAULT_IDEMPOTENCY_RETENTION_MS + 1);
    // Access tokens live 15 minutes: log in again a day later.
    const token = await tokenFor(env.app, 'eve@example.com', 'correct horse battery');
    const again = await send(env.app, token, 'key-8', { n: 8 });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(env.standIn.ran).toBe(3);

    const { rows } = await db.query<{ key: string }>('SELECT key FROM gateway.idempotency_keys ORDER BY key');
    expect(rows.map((r) => r.key)).toEqual(['key-8', 'key-9']);
    const sweeper = housekeeping({
      idempotencyKeys: new IdempotencyKeyRepository(db, GATEWAY_SCHEMA, FieldCipher.withoutKeys()),
      refreshTokens: { deleteExpired: async () => 0 },
      loginThrottle: { deleteForgotten: async () => 0 },
      now: env.clock.now,
      logger: silentLogger,
      batchSize: 1,
    });
    expect((await sweeper.sweep()).idempotencyKeys).toBe(1);
    const left = await db.query<{ key: string }>('SELECT key FROM gateway.idempotency_keys');
    expect(left.rows.map((r) => r.key)).toEqual(['key-8']);
  });
});

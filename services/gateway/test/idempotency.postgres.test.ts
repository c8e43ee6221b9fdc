// Component test on a real PostgreSQL server: two gateway replicas (own pools) take the same
// Idempotency-Key at once; the claim races on the table's primary key and one request runs.
import type { Db } from '@ordo/db';
import { createTestPgDatabase, type TestPgDatabase } from '@ordo/testing';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customer, type IdempotencyEnv, send, startIdempotencyEnv } from './idempotency-harness.js';

let database: TestPgDatabase;
const dbs: Db[] = [];
const envs: IdempotencyEnv[] = [];

beforeAll(async () => {
  database = await createTestPgDatabase('ordo_idempotency');
  for (const shape of ['embedded', 'proxied'] as const) {
    const db = database.open({ max: 4 });
    dbs.push(db);
    envs.push(await startIdempotencyEnv(db, shape, { migrate: envs.length === 0 }));
  }
});
afterAll(async () => {
  for (const env of envs) await env.close();
  for (const db of dbs) await db.close();
  await database?.drop();
});

describe('Idempotency-Key across two gateway replicas on PostgreSQL', () => {
  it('when 20 requests with one key reach two replicas at once, then one runs and every one gets its answer', async () => {
    const [a, b] = envs as [IdempotencyEnv, IdempotencyEnv];
    const token = await customer(a.app, 'grace@example.com');
    // A retry honours 409 (in flight) until the first answer is there.
    const untilAnswered = async (env: IdempotencyEnv): Promise<LightMyRequestResponse> => {
      let res = await send(env.app, token, 'race-1', { n: 1 });
      await expect
        .poll(
          async () => {
            if (res.statusCode === 409) res = await send(env.app, token, 'race-1', { n: 1 });
            return res.statusCode;
          },
          { interval: 20 },
        )
        .not.toBe(409);
      return res;
    };
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => untilAnswered(i % 2 ? a : b)));

    expect(a.standIn.ran + b.standIn.ran).toBe(1);
    const first = answers.find((r) => r.headers['idempotent-replayed'] === undefined)!;
    expect(first.statusCode).toBe(201);
    for (const res of answers) {
      expect(res.statusCode).toBe(201);
      expect(res.body).toBe(first.body);
    }
    expect(answers.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
  });
});

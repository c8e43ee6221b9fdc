// Component test on a real Postgres server: idempotent replays, key reuse, and concurrent
// requests (same key, or different keys on one charge) against a pooled database.
import type { Db } from '@ordo/db';
import { createTestPgDatabase, type TestPgDatabase } from '@ordo/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  authorizationBody,
  authorize,
  authorizedCharge,
  emptyTables,
  postWithKey,
  rowCounts,
  type SimHarness,
  startSim,
} from './psp-sim.harness.js';

let database: TestPgDatabase;
let db: Db;
let sim: SimHarness;

beforeAll(async () => {
  database = await createTestPgDatabase('ordo_psp_sim');
  db = database.open({ max: 8 });
});
afterAll(async () => {
  await db?.close();
  await database?.drop();
});
beforeEach(async () => {
  sim = await startSim(db, { idempotencyRetentionMs: 24 * 60 * 60 * 1000 });
  await emptyTables(db);
});
afterEach(() => sim.close());

describe('psp-sim idempotency on Postgres', () => {
  it('when an authorization is repeated with the same key and body, then the identical answer is replayed and no second charge exists', async () => {
    const first = await authorize(sim.app, 'k-1');
    const again = await authorize(sim.app, 'k-1');
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.body).toBe(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await rowCounts(db)).toEqual({ charges: 1, operations: 1, keys: 1 });
    expect(sim.service.simulator.stats()).toMatchObject({ authorizations: 1, replays: 1 });
  });

  it('when the body repeats with its fields in another order, then it is the same request', async () => {
    const first = await authorize(sim.app, 'k-1');
    const reordered = Object.fromEntries(Object.entries(authorizationBody()).reverse());
    const again = await postWithKey(sim.app, '/psp/v1/authorizations', 'k-1', reordered);
    expect(again.statusCode).toBe(201);
    expect(again.body).toBe(first.body);
  });

  it('when a declined authorization is repeated with the same key, then the same 402 is replayed', async () => {
    const first = await authorize(sim.app, 'k-decl', { cardToken: 'tok_declined' });
    // Even after the decline list changes, the stored answer stands.
    sim.service.simulator.setFaults({ declineTokens: [] });
    const again = await authorize(sim.app, 'k-decl', { cardToken: 'tok_declined' });
    expect(first.statusCode).toBe(402);
    expect(again.statusCode).toBe(402);
    expect(again.body).toBe(first.body);
    expect((await rowCounts(db)).charges).toBe(1);
  });

  it('when a key is reused with another body, then 409 ORDO_ERR_PSP_IDEMPOTENCY_MISMATCH and nothing is written', async () => {
    await authorize(sim.app, 'k-1', { amountCents: 2500 });
    const before = await rowCounts(db);
    const res = await authorize(sim.app, 'k-1', { amountCents: 2600 });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({
      error: {
        code: 'ORDO_ERR_PSP_IDEMPOTENCY_MISMATCH',
        message: 'idempotency key k-1 was already used with a different request',
        details: { idempotencyKey: 'k-1' },
      },
    });
    expect(await rowCounts(db)).toEqual(before);
  });

  it('when a key is reused on another endpoint or charge, then 409 ORDO_ERR_PSP_IDEMPOTENCY_MISMATCH', async () => {
    const a = await authorizedCharge(sim.app, 'k-auth-a');
    const b = await authorizedCharge(sim.app, 'k-auth-b', { orderId: 'ord_2' });
    expect((await postWithKey(sim.app, `/psp/v1/charges/${a}/capture`, 'k-op', { amountCents: 100 })).statusCode).toBe(
      200,
    );
    const otherCharge = await postWithKey(sim.app, `/psp/v1/charges/${b}/capture`, 'k-op', { amountCents: 100 });
    expect(otherCharge.statusCode).toBe(409);
    expect(otherCharge.json().error.code).toBe('ORDO_ERR_PSP_IDEMPOTENCY_MISMATCH');
    const otherEndpoint = await postWithKey(sim.app, `/psp/v1/charges/${a}/refund`, 'k-op', { amountCents: 100 });
    expect(otherEndpoint.json().error.code).toBe('ORDO_ERR_PSP_IDEMPOTENCY_MISMATCH');
  });

  it('when a capture is replayed after the charge moved on, then the stored capture answer is returned, not a 409', async () => {
    const id = await authorizedCharge(sim.app, 'k-auth');
    const captured = await postWithKey(sim.app, `/psp/v1/charges/${id}/capture`, 'k-cap', { amountCents: 2500 });
    await postWithKey(sim.app, `/psp/v1/charges/${id}/refund`, 'k-ref', { amountCents: 2500 });
    const replay = await postWithKey(sim.app, `/psp/v1/charges/${id}/capture`, 'k-cap', { amountCents: 2500 });
    expect(replay.statusCode).toBe(200);
    expect(replay.body).toBe(captured.body);
  });

  it('when the same authorization arrives five times at once, then one charge is created and all five get its answer', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => authorize(sim.app, 'k-race')));
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(4);
    expect(await rowCounts(db)).toEqual({ charges: 1, operations: 1, keys: 1 });
  });

  it('when a capture and a void of one charge race, then exactly one wins and the other gets 409', async () => {
    const id = await authorizedCharge(sim.app, 'k-auth');
    const [cap, voided] = await Promise.all([
      postWithKey(sim.app, `/psp/v1/charges/${id}/capture`, 'k-cap', { amountCents: 2500 }),
      postWithKey(sim.app, `/psp/v1/charges/${id}/void`, 'k-void'),
    ]);
    expect([cap.statusCode, voided.statusCode].sort()).toEqual([200, 409]);
    const charge = (await sim.app.inject({ method: 'GET', url: `/psp/v1/charges/${id}` })).json();
    expect(charge.operations).toHaveLength(2);
    expect(charge.status).toBe(cap.statusCode === 200 ? 'captured' : 'voided');
  });

  it('when a key is older than the retention, then it is pruned and a reuse is a new request', async () => {
    await authorize(sim.app, 'k-old');
    sim.clock.advance(23 * 60 * 60 * 1000);
    await authorize(sim.app, 'k-young', { orderId: 'ord_2' });
    sim.clock.advance(2 * 60 * 60 * 1000);
    expect(await sim.service.simulator.pruneIdempotencyKeys()).toBe(1);
    const reuse = await authorize(sim.app, 'k-old');
    expect(reuse.statusCode).toBe(201);
    expect(reuse.headers['idempotent-replayed']).toBeUndefined();
    expect((await rowCounts(db)).charges).toBe(3);
  });
});

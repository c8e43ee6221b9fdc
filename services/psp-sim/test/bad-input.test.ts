// Component test: bad requests get a 400 with a stable code that says what is wrong, and
// write nothing; the idempotency key of a refused request stays free. On PGlite.
import type { Db } from '@ordo/db';
import { createTestPgliteDb } from '@ordo/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  authorizationBody,
  authorizedCharge,
  emptyTables,
  postWithKey,
  rowCounts,
  type SimHarness,
  startSim,
} from './psp-sim.harness.js';

let db: Db;
let sim: SimHarness;
beforeAll(async () => {
  db = await createTestPgliteDb();
  sim = await startSim(db);
});
afterAll(async () => {
  await sim?.close();
  await db?.close();
});
beforeEach(() => emptyTables(db));

function expectValidationError(
  res: {
    statusCode: number;
    json(): { error: { code: string; details: { in: string; issues: Array<{ path: string }> } } };
  },
  part: string,
  path: string,
): void {
  expect(res.statusCode).toBe(400);
  const { error } = res.json();
  expect(error.code).toBe('ORDO_ERR_HTTP_VALIDATION');
  expect(error.details.in).toBe(part);
  expect(error.details.issues.map((i) => i.path)).toContain(path);
}

describe('psp-sim bad input', () => {
  it('when the Idempotency-Key header is missing, then 400 naming the header and nothing is written', async () => {
    const res = await postWithKey(sim.app, '/psp/v1/authorizations', undefined, authorizationBody());
    expectValidationError(res, 'headers', '/idempotency-key');
    expect(res.json().error.message).toMatch(/Idempotency-Key header is required/);
    expect(await rowCounts(db)).toEqual({ charges: 0, operations: 0, keys: 0 });
  });

  it('when the Idempotency-Key is empty or has spaces, then 400', async () => {
    expectValidationError(
      await postWithKey(sim.app, '/psp/v1/authorizations', 'a key', authorizationBody()),
      'headers',
      '/idempotency-key',
    );
  });

  it.each([
    [{ amountCents: 0 }, '/amountCents'],
    [{ amountCents: -100 }, '/amountCents'],
    [{ amountCents: 12.5 }, '/amountCents'],
    [{ amountCents: '2500' }, '/amountCents'],
    [{ currency: 'eur' }, '/currency'],
    [{ orderId: '' }, '/orderId'],
    [{ cardToken: undefined }, '/cardToken'],
    [{ tip: 100 }, ''],
  ])('when an authorization has %j, then 400 naming the field and nothing is written', async (overrides, path) => {
    const res = await postWithKey(sim.app, '/psp/v1/authorizations', 'k-bad', authorizationBody(overrides));
    expectValidationError(res, 'body', path);
    expect(await rowCounts(db)).toEqual({ charges: 0, operations: 0, keys: 0 });
  });

  it('when a request was refused as bad, then its key is still free for the corrected request', async () => {
    await postWithKey(sim.app, '/psp/v1/authorizations', 'k-1', authorizationBody({ amountCents: 0 }));
    const res = await postWithKey(sim.app, '/psp/v1/authorizations', 'k-1', authorizationBody());
    expect(res.statusCode).toBe(201);
  });

  it.each([
    ['capture', { amountCents: 0 }, '/amountCents'],
    ['capture', {}, '/amountCents'],
    ['capture', { amountCents: 100, final: true }, ''],
    ['refund', { amountCents: -1 }, '/amountCents'],
    ['void', { reason: 'customer' }, ''],
  ])('when a %s has the body %j, then 400 and the charge is unchanged', async (operation, payload, path) => {
    const id = await authorizedCharge(sim.app, 'k-auth');
    const before = await rowCounts(db);
    const res = await postWithKey(sim.app, `/psp/v1/charges/${id}/${operation}`, 'k-op', payload);
    expectValidationError(res, 'body', path);
    expect(await rowCounts(db)).toEqual(before);
  });

  it('when a capture has no Idempotency-Key, then 400 and the charge is unchanged', async () => {
    const id = await authorizedCharge(sim.app, 'k-auth');
    const res = await postWithKey(sim.app, `/psp/v1/charges/${id}/capture`, undefined, { amountCents: 100 });
    expectValidationError(res, 'headers', '/idempotency-key');
    expect((await rowCounts(db)).operations).toBe(1);
  });

  it('when the body is not JSON, then 400 ORDO_ERR_HTTP_MALFORMED_JSON', async () => {
    const res = await sim.app.inject({
      method: 'POST',
      url: '/psp/v1/authorizations',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1' },
      payload: '{"orderId": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('ORDO_ERR_HTTP_MALFORMED_JSON');
  });
});

// Component test of the injected faults through the HTTP API, on PGlite: error rate,
// outages, one-shot failures, hangs and latency, and their control through the admin API.
import type { Db } from '@ordo/db';
import { createTestPgliteDb } from '@ordo/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PspSimOptions } from '../src/index.js';
import { authorize, emptyTables, rowCounts, type SimHarness, startSim } from './psp-sim.harness.js';

let db: Db;
let sim: SimHarness | undefined;
beforeAll(async () => {
  db = await createTestPgliteDb();
});
afterAll(() => db?.close());
beforeEach(() => emptyTables(db).catch(() => {}));
afterEach(() => sim?.close());

async function simWith(options: PspSimOptions = {}): Promise<SimHarness> {
  sim = await startSim(db, options);
  await emptyTables(db);
  return sim;
}

function putFaults(s: SimHarness, payload: Record<string, unknown>) {
  return s.app.inject({ method: 'PUT', url: '/psp/v1/admin/faults', payload });
}

/** A `random()` that returns these values in turn. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => {
    const value = values[i++];
    if (value === undefined) throw new Error('random() called more often than the test expected');
    return value;
  };
}

const UNAVAILABLE = {
  error: { code: 'ORDO_ERR_PSP_UNAVAILABLE', message: 'The payment provider is unavailable' },
};

describe('psp-sim faults', () => {
  it('when errorRate is 1, then every call is 503 ORDO_ERR_PSP_UNAVAILABLE and nothing is written', async () => {
    const s = await simWith();
    expect((await putFaults(s, { errorRate: 1 })).statusCode).toBe(200);
    const res = await authorize(s.app, 'k-1');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual(UNAVAILABLE);
    expect(await rowCounts(db)).toEqual({ charges: 0, operations: 0, keys: 0 });
    expect(s.service.simulator.stats()).toMatchObject({ calls: 1, authorizations: 0, faults: { '5xx': 1 } });
  });

  it('when errorRate is 0.5, then a draw below it fails the call and a draw above it lets it through', async () => {
    const s = await simWith({ random: sequence(0.7, 0.2), faults: { errorRate: 0.5 } });
    expect((await authorize(s.app, 'k-1')).statusCode).toBe(201);
    expect((await authorize(s.app, 'k-2')).statusCode).toBe(503);
    expect((await rowCounts(db)).charges).toBe(1);
  });

  it('when the failed call is retried with the same key after the fault, then it succeeds once', async () => {
    const s = await simWith({ faults: { failNext: { count: 1, kind: '5xx' } } });
    expect((await authorize(s.app, 'k-1')).statusCode).toBe(503);
    expect((await authorize(s.app, 'k-1')).statusCode).toBe(201);
    expect((await rowCounts(db)).charges).toBe(1);
  });

  it('when an outage is active, then every provider call (reads too) is 503 until the faults are reset', async () => {
    const s = await simWith();
    await putFaults(s, { outage: { active: true } });
    expect((await authorize(s.app, 'k-1')).statusCode).toBe(503);
    const read = await s.app.inject({ method: 'GET', url: '/psp/v1/charges' });
    expect(read.statusCode).toBe(503);
    expect(read.json()).toEqual(UNAVAILABLE);
    // The admin API is never subject to faults.
    const reset = await s.app.inject({ method: 'DELETE', url: '/psp/v1/admin/faults' });
    expect(reset.statusCode).toBe(200);
    expect(reset.json().outage).toBeNull();
    expect((await authorize(s.app, 'k-1')).statusCode).toBe(201);
    expect(s.service.simulator.stats().faults.outage).toBe(2);
  });

  it('when an outage has an end time, then calls fail before it and succeed after it', async () => {
    const s = await simWith();
    await putFaults(s, { outage: { until: '2026-11-21T12:05:00.000Z' } });
    expect((await authorize(s.app, 'k-1')).statusCode).toBe(503);
    s.clock.advance(5 * 60_000);
    expect((await authorize(s.app, 'k-1')).statusCode).toBe(201);
  });

  it('when failNext asks for 2 server errors, then exactly the next 2 calls fail and the setting clears', async () => {
    const s = await simWith();
    await putFaults(s, { failNext: { count: 2, kind: '5xx' } });
    expect((await authorize(s.app, 'k-1')).statusCode).toBe(503);
    expect((await s.app.inject({ method: 'GET', url: '/psp/v1/admin/faults' })).json().failNext).toEqual({
      count: 1,
      kind: '5xx',
    });
    expect((await authorize(s.app, 'k-1')).statusCode).toBe(503);
    expect((await authorize(s.app, 'k-1')).statusCode).toBe(201);
    expect((await s.app.inject({ method: 'GET', url: '/psp/v1/admin/faults' })).json().failNext).toBeNull();
    expect(s.service.simulator.stats().faults['5xx']).toBe(2);
  });

  it('when failNext asks for a timeout, then the call hangs for the hang time, the connection drops and nothing is written', async () => {
    const s = await simWith({ hangMs: 30_000 });
    await putFaults(s, { failNext: { count: 1, kind: 'timeout' } });
    await expect(authorize(s.app, 'k-1')).rejects.toMatchObject({ code: 'LIGHT_ECONNRESET' });
    expect(s.sleeps).toEqual([30_000]);
    expect(await rowCounts(db)).toEqual({ charges: 0, operations: 0, keys: 0 });
    expect((await authorize(s.app, 'k-1')).statusCode).toBe(201);
    expect(s.service.simulator.stats().faults.timeout).toBe(1);
  });

  it('when failNext is lost and the call is refused, then the connection still drops without an answer', async () => {
    const s = await simWith();
    await putFaults(s, { failNext: { count: 2, kind: 'lost' } });
    await expect(s.app.inject({ method: 'GET', url: '/psp/v1/charges/ch_missing' })).rejects.toMatchObject({
      code: 'LIGHT_ECONNRESET',
    });
    await expect(authorize(s.app, 'k-1', { amountCents: 0 })).rejects.toMatchObject({ code: 'LIGHT_ECONNRESET' });
    expect(s.service.simulator.stats().faults.lost).toBe(2);
    expect((await authorize(s.app, 'k-1')).statusCode).toBe(201);
  });

  it('when latency is set, then every provider call waits that long first, and admin calls do not', async () => {
    const s = await simWith({ faults: { latencyMs: 250 } });
    await authorize(s.app, 'k-1');
    await s.app.inject({ method: 'GET', url: '/psp/v1/charges' });
    await s.app.inject({ method: 'GET', url: '/psp/v1/admin/stats' });
    expect(s.sleeps).toEqual([250, 250]);
    await putFaults(s, { latencyMs: 0 });
    await authorize(s.app, 'k-2', { orderId: 'ord_2' });
    expect(s.sleeps).toEqual([250, 250]);
  });

  it('when the decline list is changed at runtime, then the new token is declined', async () => {
    const s = await simWith();
    await putFaults(s, { declineTokens: ['tok_insufficient_funds'] });
    expect((await authorize(s.app, 'k-1', { cardToken: 'tok_insufficient_funds' })).statusCode).toBe(402);
    expect((await authorize(s.app, 'k-2', { cardToken: 'tok_declined' })).statusCode).toBe(201);
  });

  it('when faults are replaced or reset, then settings left out return to the baseline given at construction', async () => {
    const s = await simWith({ faults: { declineTokens: ['tok_nope'], latencyMs: 5 } });
    const baseline = (await s.app.inject({ method: 'GET', url: '/psp/v1/admin/faults' })).json();
    expect(baseline).toEqual({
      declineTokens: ['tok_nope'],
      latencyMs: 5,
      errorRate: 0,
      lostResponseRate: 0,
      outage: null,
      failNext: null,
    });
    expect((await putFaults(s, { errorRate: 0.25 })).json()).toEqual({ ...baseline, errorRate: 0.25 });
    expect((await putFaults(s, { lostResponseRate: 0.1 })).json()).toEqual({ ...baseline, lostResponseRate: 0.1 });
    expect((await s.app.inject({ method: 'DELETE', url: '/psp/v1/admin/faults' })).json()).toEqual(baseline);
  });

  it.each([
    [{ errorRate: 2 }, '/errorRate'],
    [{ lostResponseRate: -0.1 }, '/lostResponseRate'],
    [{ failNext: { count: 0, kind: '5xx' } }, '/failNext/count'],
    [{ failNext: { count: 1, kind: 'boom' } }, '/failNext/kind'],
    [{ outage: { until: 'tomorrow' } }, '/outage/until'],
    [{ latencyMs: 1.5 }, '/latencyMs'],
    [{ errorRat: 1 }, ''],
  ])(
    'when the faults body is %j, then 400 ORDO_ERR_HTTP_VALIDATION and the faults are unchanged',
    async (payload, path) => {
      const s = await simWith();
      const res = await putFaults(s, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('ORDO_ERR_HTTP_VALIDATION');
      expect(res.json().error.details.issues.map((i: { path: string }) => i.path)).toContain(path);
      expect(s.service.simulator.faults()).toMatchObject({ errorRate: 0, lostResponseRate: 0, failNext: null });
    },
  );

  it('when the simulator has been used, then the stats count calls, operations and faults by kind, and can be reset', async () => {
    const s = await simWith({ faults: { failNext: { count: 1, kind: '5xx' } } });
    await authorize(s.app, 'k-1'); // 5xx
    const id = (await authorize(s.app, 'k-1')).json().chargeId;
    await authorize(s.app, 'k-1'); // replay
    await authorize(s.app, 'k-2', { cardToken: 'tok_declined' });
    await s.app.inject({
      method: 'POST',
      url: `/psp/v1/charges/${id}/capture`,
      headers: { 'idempotency-key': 'k-3' },
      payload: { amountCents: 100 },
    });
    await s.app.inject({ method: 'POST', url: `/psp/v1/charges/${id}/void`, headers: { 'idempotency-key': 'k-4' } });
    await s.app.inject({
      method: 'POST',
      url: `/psp/v1/charges/${id}/refund`,
      headers: { 'idempotency-key': 'k-5' },
      payload: { amountCents: 100 },
    });
    const res = await s.app.inject({ method: 'GET', url: '/psp/v1/admin/stats' });
    expect(res.json()).toEqual({
      calls: 7,
      authorizations: 1,
      declines: 1,
      captures: 1,
      voids: 0,
      refunds: 1,
      rejections: 1,
      replays: 1,
      faults: { outage: 0, '5xx': 1, lost: 0, timeout: 0 },
    });
    const reset = await s.app.inject({ method: 'DELETE', url: '/psp/v1/admin/stats' });
    expect(reset.json()).toMatchObject({ calls: 0, authorizations: 0, faults: { '5xx': 0 } });
  });
});

// The operators' payment lookup: who may call it, what it shows, and bad input answered with a
// 400 and a stable code (never a 500, never a partial answer).
import type { Db } from '@ordo/db';
import { createTestPgliteDb } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PaymentHarness, scenario, startPayment } from './support/payment.harness.js';
import { type PspSim, startPspSim } from './support/psp-sim.server.js';
import { as } from './support/test-access.js';

describe('GET /v1/ops/payments', () => {
  let psp: PspSim;
  let db: Db;
  let h: PaymentHarness;
  const s = scenario('api');

  beforeAll(async () => {
    psp = await startPspSim();
    db = await createTestPgliteDb();
    h = await startPayment(db, psp.url);
    const cmd = s.authorize(1_250, 'tok_secret_card');
    await h.send(cmd.type, cmd.payload);
    await h.reply(cmd.payload.commandId);
  });
  afterAll(async () => {
    await h.close();
    await db.close();
    await psp.close();
  });

  const get = (url: string, headers: Record<string, string> = as('operator')) =>
    h.app.inject({ method: 'GET', url, headers });

  it('when an operator looks an order up, then the payment comes with its operations, PSP attempts and ledger, and never the card token', async () => {
    const res = await get(`/v1/ops/payments?orderId=${s.orderId}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.nextAfter).toBeNull();
    expect(body.payments).toHaveLength(1);
    const [payment] = body.payments;
    expect(payment).toMatchObject({ orderId: s.orderId, status: 'AUTHORIZED', authorizedCents: 1_250 });
    expect(payment.operations).toEqual([
      expect.objectContaining({ kind: 'authorize', status: 'SUCCEEDED', idempotencyKey: `pay:${s.orderId}:authorize` }),
    ]);
    expect(payment.attempts).toEqual([expect.objectContaining({ operation: 'authorize', httpStatus: 201 })]);
    expect(payment.ledger.map((l: { amountCents: number }) => l.amountCents).sort()).toEqual([-1_250, 1_250]);
    expect(res.body).not.toContain('tok_secret_card');
  });

  it('when the query is not valid, then 400 ORDO_ERR_HTTP_VALIDATION names the field', async () => {
    for (const url of [
      '/v1/ops/payments?limit=0',
      '/v1/ops/payments?limit=abc',
      '/v1/ops/payments?status=PAID',
      '/v1/ops/payments?orderId=',
      '/v1/ops/payments?unknown=1',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code, url).toBe('ORDO_ERR_HTTP_VALIDATION');
      expect(res.json().error.details.issues.length, url).toBeGreaterThan(0);
    }
  });

  it('when the caller is not signed in or not an operator, then 401 or 403', async () => {
    expect((await get('/v1/ops/payments', {})).statusCode).toBe(401);
    const forbidden = await get('/v1/ops/payments', as('customer', 'c-1'));
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('ORDO_ERR_AUTH_FORBIDDEN');
    const reconcile = await h.app.inject({ method: 'POST', url: '/v1/ops/payments/reconcile', headers: as('courier') });
    expect(reconcile.statusCode).toBe(403);
  });
});

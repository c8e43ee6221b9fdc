// Component test: authorize, capture, void and refund through the HTTP API, on PGlite.

import type { Db } from '@ordo/db';
import { createTestPgliteDb } from '@ordo/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  authorize,
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
});
afterAll(() => db?.close());
beforeEach(async () => {
  sim = await startSim(db);
  await emptyTables(db);
});
afterEach(() => sim.close());

const capture = (id: string, key: string, amountCents: number) =>
  postWithKey(sim.app, `/psp/v1/charges/${id}/capture`, key, { amountCents });
const voidIt = (id: string, key: string) => postWithKey(sim.app, `/psp/v1/charges/${id}/void`, key);
const refund = (id: string, key: string, amountCents: number) =>
  postWithKey(sim.app, `/psp/v1/charges/${id}/refund`, key, { amountCents });
const getCharge = (id: string) => sim.app.inject({ method: 'GET', url: `/psp/v1/charges/${id}` });

describe('psp-sim charge lifecycle', () => {
  it('when a card is authorized, then 201 with the charge id, and the charge is authorized with one operation', async () => {
    const res = await authorize(sim.app, 'k-auth-1', { orderId: 'ord_42', amountCents: 1999 });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({
      chargeId: expect.stringMatching(/^ch_/),
      operationId: expect.stringMatching(/^op_/),
      status: 'authorized',
      amountCents: 1999,
    });

    const charge = (await getCharge(body.chargeId)).json();
    expect(charge).toEqual({
      chargeId: body.chargeId,
      orderId: 'ord_42',
      currency: 'EUR',
      status: 'authorized',
      amountCents: 1999,
      capturedCents: 0,
      refundedCents: 0,
      createdAt: '2026-11-21T12:00:00.000Z',
      updatedAt: '2026-11-21T12:00:00.000Z',
      operations: [
        {
          operationId: body.operationId,
          kind: 'authorize',
          amountCents: 1999,
          idempotencyKey: 'k-auth-1',
          createdAt: '2026-11-21T12:00:00.000Z',
        },
      ],
    });
  });

  it('when an authorized charge is captured in part, then 200 captured with the captured amount', async () => {
    const id = await authorizedCharge(sim.app, 'k-auth');
    sim.clock.advance(60_000);
    const res = await capture(id, 'k-cap', 2000);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      chargeId: id,
      operationId: expect.any(String),
      status: 'captured',
      capturedCents: 2000,
    });
    const charge = (await getCharge(id)).json();
    expect(charge).toMatchObject({ status: 'captured', amountCents: 2500, capturedCents: 2000 });
    expect(charge.updatedAt).toBe('2026-11-21T12:01:00.000Z');
    expect(charge.operations.map((o: { kind: string }) => o.kind)).toEqual(['authorize', 'capture']);
  });

  it('when an authorized charge is voided, then 200 voided', async () => {
    const id = await authorizedCharge(sim.app, 'k-auth');
    const res = await voidIt(id, 'k-void');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ chargeId: id, operationId: expect.any(String), status: 'voided' });
    expect((await getCharge(id)).json()).toMatchObject({ status: 'voided', capturedCents: 0 });
  });

  it('when a captured charge is refunded in two parts, then partially_refunded, then refunded', async () => {
    const id = await authorizedCharge(sim.app, 'k-auth');
    await capture(id, 'k-cap', 2500);
    const first = await refund(id, 'k-ref-1', 1000);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ chargeId: id, status: 'partially_refunded', refundedCents: 1000 });
    const second = await refund(id, 'k-ref-2', 1500);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ status: 'refunded', refundedCents: 2500 });
    const charge = (await getCharge(id)).json();
    expect(charge.operations.map((o: { kind: string; amountCents: number }) => [o.kind, o.amountCents])).toEqual([
      ['authorize', 2500],
      ['capture', 2500],
      ['refund', 1000],
      ['refund', 1500],
    ]);
  });

  it('when the card token is on the decline list, then 402 ORDO_ERR_PSP_CARD_DECLINED and a declined charge is recorded', async () => {
    const res = await authorize(sim.app, 'k-decl', { cardToken: 'tok_declined' });
    expect(res.statusCode).toBe(402);
    const body = res.json();
    expect(body).toEqual({
      error: {
        code: 'ORDO_ERR_PSP_CARD_DECLINED',
        message: 'The card was declined',
        details: { chargeId: expect.any(String), operationId: expect.any(String), declineCode: 'card_declined' },
      },
    });
    expect((await getCharge(body.error.details.chargeId)).json()).toMatchObject({
      status: 'declined',
      operations: [{ kind: 'decline', amountCents: 2500 }],
    });
    // A declined charge cannot be captured.
    const captured = await capture(body.error.details.chargeId, 'k-cap', 100);
    expect(captured.statusCode).toBe(409);
    expect(captured.json().error.code).toBe('ORDO_ERR_PSP_INVALID_TRANSITION');
  });

  it.each([
    ['void after capture', ['capture'], 'void'],
    ['capture after void', ['void'], 'capture'],
    ['capture twice', ['capture'], 'capture'],
    ['refund before capture', [], 'refund'],
    ['refund after void', ['void'], 'refund'],
    ['refund after a full refund', ['capture', 'refund'], 'refund'],
  ])(
    'when %s, then 409 ORDO_ERR_PSP_INVALID_TRANSITION and the charge is unchanged',
    async (_name, before, illegal) => {
      const id = await authorizedCharge(sim.app, 'k-auth');
      const run = (op: string, key: string) =>
        op === 'capture' ? capture(id, key, 2500) : op === 'void' ? voidIt(id, key) : refund(id, key, 2500);
      for (const [i, op] of before.entries()) expect((await run(op, `k-before-${i}`)).statusCode).toBe(200);
      const charge = (await getCharge(id)).json();

      const res = await run(illegal, 'k-illegal');
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({
        code: 'ORDO_ERR_PSP_INVALID_TRANSITION',
        details: { chargeId: id, status: charge.status, operation: illegal },
      });
      expect((await getCharge(id)).json()).toEqual(charge);
    },
  );

  it('when the capture is above the authorized amount, then 422 ORDO_ERR_PSP_AMOUNT_EXCEEDED and nothing changes', async () => {
    const id = await authorizedCharge(sim.app, 'k-auth');
    const res = await capture(id, 'k-cap', 2501);
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({
      code: 'ORDO_ERR_PSP_AMOUNT_EXCEEDED',
      details: { requestedCents: 2501, availableCents: 2500 },
    });
    expect((await getCharge(id)).json()).toMatchObject({ status: 'authorized', operations: [{ kind: 'authorize' }] });
  });

  it('when a refund is above what is left to refund, then 422 ORDO_ERR_PSP_AMOUNT_EXCEEDED', async () => {
    const id = await authorizedCharge(sim.app, 'k-auth');
    await capture(id, 'k-cap', 2000);
    await refund(id, 'k-ref-1', 1500);
    const res = await refund(id, 'k-ref-2', 501);
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details).toMatchObject({ availableCents: 500 });
  });

  it('when the charge does not exist, then 404 ORDO_ERR_PSP_CHARGE_NOT_FOUND for operations and reads', async () => {
    const res = await capture('ch_missing', 'k-cap', 100);
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({
      code: 'ORDO_ERR_PSP_CHARGE_NOT_FOUND',
      details: { chargeId: 'ch_missing' },
    });
    const read = await getCharge('ch_missing');
    expect(read.statusCode).toBe(404);
    expect(read.json().error.code).toBe('ORDO_ERR_PSP_CHARGE_NOT_FOUND');
    expect((await rowCounts(sim.db)).charges).toBe(0);
  });
});

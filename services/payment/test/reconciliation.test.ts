// Reconciliation through the operators' endpoint: after every kind of flow (holds, declines,
// captures, voids, refunds, lost answers, an outage past the deadline) Ordo and the PSP agree;
// a charge made past Ordo, or a payment row changed by hand, is reported.
import type { Db } from '@ordo/db';
import { createTestPgliteDb } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReconciliationReport } from '../src/index.js';
import { eventually, type PaymentHarness, paymentRow, scenario, startPayment } from './support/payment.harness.js';
import { type PspSim, startPspSim } from './support/psp-sim.server.js';
import { as } from './support/test-access.js';

describe('reconciliation', () => {
  let psp: PspSim;
  let db: Db;
  let h: PaymentHarness;

  beforeAll(async () => {
    psp = await startPspSim();
    db = await createTestPgliteDb();
    // Small pages, so listing the PSP's charges takes several.
    h = await startPayment(db, psp.url, { reconciliationPageSize: 2 });
  });
  afterAll(async () => {
    await h.close();
    await db.close();
    await psp.close();
  });

  async function run(command: { type: string; payload: Record<string, unknown> & { commandId: string } }) {
    await h.send(command.type, command.payload);
    return h.reply(command.payload.commandId, { advanceMs: 200 });
  }

  async function reconcile(): Promise<ReconciliationReport> {
    const res = await h.app.inject({ method: 'POST', url: '/v1/ops/payments/reconcile', headers: as('operator') });
    expect(res.statusCode).toBe(200);
    return res.json();
  }

  it('when every kind of flow has run, then reconciliation finds zero mismatches', async () => {
    const held = scenario('held');
    await run(held.authorize(1_000));
    const declined = scenario('declined');
    await run(declined.authorize(1_000, 'tok_declined'));
    const captured = scenario('captured');
    await run(captured.authorize(2_000));
    await run(captured.capture(2_000));
    const voided = scenario('voided');
    await run(voided.authorize(1_500));
    await run(voided.void());
    const refunded = scenario('refunded');
    await run(refunded.authorize(2_200));
    await run(refunded.capture(2_200));
    await run(refunded.refund(2_200));
    const lost = scenario('lost');
    await psp.setFaults({ failNext: { count: 1, kind: 'lost' } });
    await run(lost.authorize(900));
    const failed = scenario('failed');
    await psp.setFaults({ outage: { active: true } });
    const failing = failed.authorize(800);
    await h.send(failing.type, failing.payload);
    await eventually(async () => expect((await paymentRow(db, failed.orderId))[0]?.status).toBe('QUEUED'));
    h.clock.advance(61_000);
    expect((await h.reply(failing.payload.commandId, { advanceMs: 100 })).payload.reason).toBe('psp_unavailable');
    await psp.resetFaults();
    // The release that follows a failed authorization ends (nothing to release) once the PSP is back.
    await eventually(async () => {
      h.clock.advance(500);
      h.service.worker.poke();
      const { rows } = await db.query(`SELECT 1 FROM payment.payment_operations WHERE status IN ('PENDING', 'QUEUED')`);
      expect(rows).toEqual([]);
    });

    const report = await reconcile();
    expect(report.mismatches).toEqual([]);
    expect(report).toMatchObject({
      mismatchCount: 0,
      paymentsChecked: 7,
      chargesChecked: 6,
      requestedBy: 'operator:op-1',
    });
    const { rows } = await db.query(`SELECT mismatch_count FROM payment.reconciliation_runs WHERE id = $1`, [
      report.runId,
    ]);
    expect(rows).toEqual([{ mismatch_count: 0 }]);
  });

  it('when a charge is made at the PSP past Ordo and a payment row is altered, then both are reported', async () => {
    const stray = `order-stray-${Date.now()}`;
    const chargeId = await psp.authorizeDirectly(stray, 4_000);
    const altered = scenario('altered');
    await run(altered.authorize(1_700));
    await db.query(`UPDATE payment.payments SET authorized_cents = 1_600 WHERE order_id = $1`, [altered.orderId]);

    const report = await reconcile();
    expect(report.mismatchCount).toBe(2);
    expect(report.mismatches).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'charge_missing_in_ordo', orderId: stray, chargeId }),
        expect.objectContaining({
          kind: 'amount_mismatch',
          orderId: altered.orderId,
          detail: 'authorized: Ordo 1600, PSP 1700',
        }),
      ]),
    );
  });

  it('when the PSP cannot be reached, then the endpoint answers 503 with a stable code', async () => {
    await psp.setFaults({ outage: { active: true } });
    try {
      const res = await h.app.inject({ method: 'POST', url: '/v1/ops/payments/reconcile', headers: as('operator') });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('ORDO_ERR_PAYMENT_PSP_UNAVAILABLE');
    } finally {
      await psp.resetFaults();
    }
  });
});

// The PSP down: authorizations are QUEUED (the breaker opens and calls fail fast), retried until
// the step deadline, and a void may withdraw one that is still queued — releasing the hold if
// the PSP had placed it after all. The clock is injected: deadlines pass without waiting.
import type { Db } from '@ordo/db';
import { createTestPgliteDb } from '@ordo/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  eventually,
  ledgerSums,
  type PaymentHarness,
  paymentRow,
  scenario,
  startPayment,
} from './support/payment.harness.js';
import { type PspSim, startPspSim } from './support/psp-sim.server.js';

describe('PSP outage', () => {
  let psp: PspSim;
  let db: Db;
  let h: PaymentHarness;

  beforeAll(async () => {
    psp = await startPspSim();
    db = await createTestPgliteDb();
    h = await startPayment(db, psp.url);
  });
  afterAll(async () => {
    await h.close();
    await db.close();
    await psp.close();
  });
  beforeEach(() => psp.resetFaults());

  const outcomes = async (orderId: string) =>
    (
      await db.query<{ outcome: string }>(
        `SELECT outcome FROM payment.payment_attempts WHERE order_id = $1 ORDER BY id`,
        [orderId],
      )
    ).rows.map((r) => r.outcome);

  /** Lets the worker try again: moves the clock past the queued operation's next attempt. */
  const tick = () => {
    h.clock.advance(500);
    h.service.worker.poke();
  };

  it('when the PSP is down, then the authorization is QUEUED, the breaker opens, and it is authorized once the PSP is back before the deadline', async () => {
    const s = scenario('outage');
    await psp.setFaults({ outage: { active: true } });
    const cmd = s.authorize(2_000);
    await h.send(cmd.type, cmd.payload);

    await eventually(async () => expect((await paymentRow(db, s.orderId))[0]?.status).toBe('QUEUED'));
    expect(await h.events('payment.queued.v1')).toContainEqual(
      expect.objectContaining({ orderId: s.orderId, paymentId: (await paymentRow(db, s.orderId))[0]?.id }),
    );
    // Retried while down, until the breaker refuses to call at all.
    await eventually(async () => {
      tick();
      expect(await outcomes(s.orderId)).toContain('circuit_open');
    });
    expect(await h.replies(cmd.payload.commandId)).toEqual([]);

    await psp.resetFaults();
    const reply = await h.reply(cmd.payload.commandId, { advanceMs: 500 });
    expect(reply.type).toBe('payment.authorized.v1');
    expect(await psp.charges(s.orderId)).toHaveLength(1);
    expect((await paymentRow(db, s.orderId))[0]?.status).toBe('AUTHORIZED');
    expect((await h.events('payment.queued.v1')).filter((e) => e.orderId === s.orderId)).toHaveLength(1);
  });

  it('when the PSP stays down past the authorization deadline, then the saga gets authorizationFailed psp_unavailable', async () => {
    const s = scenario('deadline');
    await psp.setFaults({ outage: { active: true } });
    const cmd = s.authorize(2_000);
    await h.send(cmd.type, cmd.payload);
    await eventually(async () => expect((await paymentRow(db, s.orderId))[0]?.status).toBe('QUEUED'));

    h.clock.advance(61_000);
    h.service.worker.poke();
    const reply = await h.reply(cmd.payload.commandId);
    expect(reply.type).toBe('payment.authorization_failed.v1');
    expect(reply.payload.reason).toBe('psp_unavailable');
    expect(String(reply.payload.detail)).toContain('ORDO_ERR_PAYMENT_DEADLINE_EXCEEDED');
    expect((await paymentRow(db, s.orderId))[0]).toMatchObject({ status: 'FAILED', authorization_uncertain: true });

    // The 503s might have hidden a hold: once the PSP is back, the service looks and finds none.
    await psp.resetFaults();
    await eventually(async () => {
      tick();
      const { rows } = await db.query(
        `SELECT status FROM payment.payment_operations WHERE order_id = $1 AND kind = 'void'`,
        [s.orderId],
      );
      expect(rows).toEqual([{ status: 'SUCCEEDED' }]);
    });
    expect(await psp.charges(s.orderId)).toEqual([]);
    expect((await paymentRow(db, s.orderId))[0]).toMatchObject({ status: 'FAILED', authorization_uncertain: false });
  });

  it('when a void arrives while the authorization is queued, then the authorization is withdrawn and no hold is ever placed', async () => {
    const s = scenario('withdrawn');
    await psp.setFaults({ outage: { active: true } });
    const auth = s.authorize(1_500);
    await h.send(auth.type, auth.payload);
    await eventually(async () => expect((await paymentRow(db, s.orderId))[0]?.status).toBe('QUEUED'));

    const voidCmd = s.void();
    await h.send(voidCmd.type, voidCmd.payload);
    const authReply = await h.reply(auth.payload.commandId, { advanceMs: 100 });
    expect(authReply.type).toBe('payment.authorization_failed.v1');
    expect(String(authReply.payload.detail)).toContain('ORDO_ERR_PAYMENT_AUTHORIZATION_CANCELLED');

    await psp.resetFaults();
    const voidReply = await h.reply(voidCmd.payload.commandId, { advanceMs: 500 });
    expect(voidReply).toMatchObject({ type: 'payment.voided.v1', payload: { paymentId: expect.any(String) } });
    expect(await psp.charges(s.orderId)).toEqual([]);
    expect((await paymentRow(db, s.orderId))[0]?.status).toBe('CANCELLED');
  });

  it('when the PSP placed the hold but every answer was lost and a void withdraws the queued authorization, then the void finds the charge and releases it', async () => {
    const s = scenario('lost-then-void');
    await psp.setFaults({ failNext: { count: 3, kind: 'lost' } });
    const auth = s.authorize(3_300);
    await h.send(auth.type, auth.payload);
    await eventually(async () => expect((await paymentRow(db, s.orderId))[0]?.status).toBe('QUEUED'));
    await psp.setFaults({ outage: { active: true } });
    expect((await psp.charges(s.orderId).catch(() => null)) ?? 'down').toBe('down');

    const voidCmd = s.void();
    await h.send(voidCmd.type, voidCmd.payload);
    const authReply = await h.reply(auth.payload.commandId, { advanceMs: 100 });
    expect(authReply.type).toBe('payment.authorization_failed.v1');

    await psp.resetFaults();
    const voidReply = await h.reply(voidCmd.payload.commandId, { advanceMs: 500 });
    expect(voidReply.type).toBe('payment.voided.v1');
    const charges = await psp.charges(s.orderId);
    expect(charges.map((c) => c.status)).toEqual(['voided']);
    expect((await paymentRow(db, s.orderId))[0]).toMatchObject({
      status: 'VOIDED',
      psp_charge_id: charges[0]?.chargeId,
      authorized_cents: 3_300,
    });
    expect(await ledgerSums(db, s.orderId)).toEqual({ hold: 0, void: 0 });
  });
});

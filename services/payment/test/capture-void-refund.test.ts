// After the hold: capture on pickup (once, at most the authorized amount), void before capture,
// refund after it — and a void the PSP keeps refusing to take surfaces as operationFailed.
import type { Db } from '@ordo/db';
import { createTestPgliteDb } from '@ordo/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ledgerSums, type PaymentHarness, paymentRow, scenario, startPayment } from './support/payment.harness.js';
import { type PspSim, startPspSim } from './support/psp-sim.server.js';

describe('capture, void and refund', () => {
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

  async function authorized(name: string, amountCents: number) {
    const s = scenario(name);
    const cmd = s.authorize(amountCents);
    await h.send(cmd.type, cmd.payload);
    expect((await h.reply(cmd.payload.commandId)).type).toBe('payment.authorized.v1');
    return s;
  }

  async function run(command: { type: string; payload: Record<string, unknown> & { commandId: string } }) {
    await h.send(command.type, command.payload);
    return h.reply(command.payload.commandId);
  }

  it('when the order is picked up, then the order total is captured once, and a second capture command gets the first one outcome', async () => {
    const s = await authorized('capture', 2_750);
    const first = await run(s.capture(2_750));
    expect(first.type).toBe('payment.captured.v1');
    expect(first.payload.amountCents).toBe(2_750);

    const again = await run(s.capture(2_750, 'capture-again'));
    expect({ type: again.type, amountCents: again.payload.amountCents, paymentId: again.payload.paymentId }).toEqual({
      type: first.type,
      amountCents: first.payload.amountCents,
      paymentId: first.payload.paymentId,
    });
    const [charge] = await psp.charges(s.orderId);
    expect(charge).toMatchObject({ status: 'captured', capturedCents: 2_750 });
    expect(charge?.operations.filter((o) => o.kind === 'capture')).toHaveLength(1);
    expect((await paymentRow(db, s.orderId))[0]).toMatchObject({ status: 'CAPTURED', captured_cents: 2_750 });
    expect(await ledgerSums(db, s.orderId)).toEqual({ hold: 0, capture: 0 });
    expect(await h.events('payment.payment_captured.v1')).toContainEqual(
      expect.objectContaining({ orderId: s.orderId, amountCents: 2_750 }),
    );
  });

  it('when a capture asks more than was authorized, then operationFailed without calling the PSP', async () => {
    const s = await authorized('over', 1_000);
    const reply = await run(s.capture(1_001));
    expect(reply).toMatchObject({ type: 'payment.operation_failed.v1', payload: { operation: 'capture' } });
    expect(String(reply.payload.detail)).toMatch(/^ORDO_ERR_PAYMENT_AMOUNT_EXCEEDED/);
    expect((await psp.charges(s.orderId))[0]?.status).toBe('authorized');
  });

  it('when the authorization is voided, then the hold is released at the PSP and in the ledger', async () => {
    const s = await authorized('void', 1_900);
    const reply = await run(s.void());
    expect(reply.type).toBe('payment.voided.v1');
    expect((await psp.charges(s.orderId))[0]?.status).toBe('voided');
    expect((await paymentRow(db, s.orderId))[0]?.status).toBe('VOIDED');
    expect(await ledgerSums(db, s.orderId)).toEqual({ hold: 0, void: 0 });
    // A void retried with another command id: the same outcome, no second PSP call.
    expect((await run(s.void('void-again'))).type).toBe('payment.voided.v1');
    expect((await psp.charges(s.orderId))[0]?.operations.filter((o) => o.kind === 'void')).toHaveLength(1);
  });

  it('when a void comes after the capture, then operationFailed: a captured payment is refunded, not voided', async () => {
    const s = await authorized('void-late', 1_200);
    await run(s.capture(1_200));
    const reply = await run(s.void());
    expect(reply.type).toBe('payment.operation_failed.v1');
    expect(String(reply.payload.detail)).toMatch(/^ORDO_ERR_PAYMENT_ALREADY_CAPTURED/);
  });

  it('when a captured payment is refunded, then the PSP refunds it once and the ledger balances', async () => {
    const s = await authorized('refund', 3_100);
    await run(s.capture(3_100));
    const reply = await run(s.refund(3_100));
    expect(reply).toMatchObject({ type: 'payment.refunded.v1', payload: { amountCents: 3_100 } });
    expect((await psp.charges(s.orderId))[0]).toMatchObject({ status: 'refunded', refundedCents: 3_100 });
    expect((await paymentRow(db, s.orderId))[0]).toMatchObject({ status: 'REFUNDED', refunded_cents: 3_100 });
    expect(await ledgerSums(db, s.orderId)).toEqual({ hold: 0, capture: 0, refund: 0 });
  });

  it('when a refund comes before any capture, then operationFailed', async () => {
    const s = await authorized('refund-early', 900);
    const reply = await run(s.refund(900));
    expect(reply.type).toBe('payment.operation_failed.v1');
    expect(String(reply.payload.detail)).toMatch(/^ORDO_ERR_PAYMENT_NOT_CAPTURED/);
  });

  it('when a void arrives before the authorization (two sagas, no order between them), then nothing is held, ever', async () => {
    const s = scenario('void-first');
    const voidReply = await run(s.void());
    expect(voidReply).toMatchObject({ type: 'payment.voided.v1', payload: { paymentId: null } });
    const late = await run(s.authorize(1_000));
    expect(late.type).toBe('payment.authorization_failed.v1');
    expect(String(late.payload.detail)).toMatch(/^ORDO_ERR_PAYMENT_AUTHORIZATION_CANCELLED/);
    expect(await psp.charges(s.orderId)).toEqual([]);
  });

  it('when a void keeps failing, then it is retried until its deadline and then surfaces as operationFailed', async () => {
    const s = await authorized('void-fails', 1_400);
    await psp.setFaults({ outage: { active: true } });
    const cmd = s.void();
    await h.send(cmd.type, cmd.payload);
    // Still being retried well before the deadline: no reply yet.
    for (let i = 0; i < 5; i++) {
      h.clock.advance(1_000);
      h.service.worker.poke();
      await new Promise((r) => setTimeout(r, 60));
    }
    expect(await h.replies(cmd.payload.commandId)).toEqual([]);

    h.clock.advance(121_000);
    h.service.worker.poke();
    const reply = await h.reply(cmd.payload.commandId);
    expect(reply).toMatchObject({ type: 'payment.operation_failed.v1', payload: { operation: 'void' } });
    expect(String(reply.payload.detail)).toMatch(/^ORDO_ERR_PAYMENT_DEADLINE_EXCEEDED/);
    expect((await paymentRow(db, s.orderId))[0]?.status).toBe('AUTHORIZED');
    await psp.resetFaults();
    expect((await psp.charges(s.orderId))[0]?.status).toBe('authorized');
  });
});

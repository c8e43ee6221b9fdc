// Authorization (saga step 3) against the real PSP simulator over HTTP: one hold per order,
// whatever is repeated — the command, the command for the same order, or the PSP call itself.
import type { Db } from '@ordo/db';
import { createTestPgliteDb } from '@ordo/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ledgerSums,
  type PaymentHarness,
  paymentRow,
  scenario,
  sleep,
  startPayment,
} from './support/payment.harness.js';
import { type PspSim, startPspSim } from './support/psp-sim.server.js';

describe('authorize', () => {
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

  it('when an authorize command arrives, then the PSP places one hold and the saga gets authorized', async () => {
    const s = scenario('ok');
    const cmd = s.authorize(2_500);
    await h.send(cmd.type, cmd.payload);
    const reply = await h.reply(cmd.payload.commandId);

    const [payment] = await paymentRow(db, s.orderId);
    expect(reply).toEqual({
      type: 'payment.authorized.v1',
      payload: { sagaId: s.sagaId, commandId: cmd.payload.commandId, paymentId: payment?.id, amountCents: 2_500 },
    });
    expect(payment).toMatchObject({ status: 'AUTHORIZED', authorized_cents: 2_500, customer_id: 'customer-1' });
    const charges = await psp.charges(s.orderId);
    expect(charges).toHaveLength(1);
    expect(charges[0]).toMatchObject({ status: 'authorized', amountCents: 2_500, chargeId: payment?.psp_charge_id });
    expect(charges[0]?.operations.map((o) => o.idempotencyKey)).toEqual([`pay:${s.orderId}:authorize`]);
    expect(await ledgerSums(db, s.orderId)).toEqual({ hold: 0 });
    const { rows: attempts } = await db.query(
      `SELECT operation, outcome, http_status FROM payment.payment_attempts WHERE order_id = $1`,
      [s.orderId],
    );
    expect(attempts).toEqual([{ operation: 'authorize', outcome: 'answered', http_status: 201 }]);
  });

  it('when the card is declined, then the saga gets authorizationFailed declined and no hold exists', async () => {
    const s = scenario('declined');
    const cmd = s.authorize(1_000, 'tok_declined');
    await h.send(cmd.type, cmd.payload);
    const reply = await h.reply(cmd.payload.commandId);

    expect(reply.type).toBe('payment.authorization_failed.v1');
    expect(reply.payload).toMatchObject({ reason: 'declined' });
    expect(String(reply.payload.detail)).toContain('ORDO_ERR_PSP_CARD_DECLINED');
    expect((await paymentRow(db, s.orderId))[0]).toMatchObject({ status: 'DECLINED' });
    expect((await psp.charges(s.orderId)).map((c) => c.status)).toEqual(['declined']);
    expect(await ledgerSums(db, s.orderId)).toEqual({});
  });

  it('when the same command arrives twice (same commandId), then the PSP is called once and both replies are identical', async () => {
    const s = scenario('twice');
    const cmd = s.authorize(1_800);
    await h.send(cmd.type, cmd.payload);
    await h.send(cmd.type, cmd.payload);
    await h.reply(cmd.payload.commandId);
    // A redelivery of the very same envelope, and a retry after the reply was sent.
    await h.send(cmd.type, cmd.payload);
    await eventuallyReplies(h, cmd.payload.commandId, 2);

    const replies = await h.replies(cmd.payload.commandId);
    expect(replies.length).toBeGreaterThanOrEqual(2);
    for (const r of replies) expect(r).toEqual(replies[0]);
    const charges = await psp.charges(s.orderId);
    expect(charges).toHaveLength(1);
    expect(charges[0]?.operations).toHaveLength(1);
    const { rows } = await db.query(`SELECT 1 FROM payment.payment_attempts WHERE order_id = $1`, [s.orderId]);
    expect(rows).toHaveLength(1);
  });

  it('when a second authorize for the same order comes with another commandId, then no second charge is made and it gets the same outcome', async () => {
    const s = scenario('again');
    const first = s.authorize(3_000, 'tok_visa', 'authorize');
    const second = s.authorize(3_000, 'tok_visa', 'authorize-again');
    await h.send(first.type, first.payload);
    await h.send(second.type, second.payload);
    const a = await h.reply(first.payload.commandId);
    const b = await h.reply(second.payload.commandId);

    expect(a.type).toBe('payment.authorized.v1');
    expect(b.type).toBe('payment.authorized.v1');
    expect(b.payload.paymentId).toBe(a.payload.paymentId);
    expect(await psp.charges(s.orderId)).toHaveLength(1);
    expect(await paymentRow(db, s.orderId)).toHaveLength(1);
  });

  it('when the PSP commits the hold but the response is lost, then the retry with the same key gets the stored answer: exactly one charge', async () => {
    const s = scenario('lost');
    await psp.setFaults({ failNext: { count: 1, kind: 'lost' } });
    const cmd = s.authorize(4_200);
    await h.send(cmd.type, cmd.payload);
    const reply = await h.reply(cmd.payload.commandId);

    expect(reply.type).toBe('payment.authorized.v1');
    const charges = await psp.charges(s.orderId);
    expect(charges).toHaveLength(1);
    expect(charges[0]?.operations).toHaveLength(1);
    const [payment] = await paymentRow(db, s.orderId);
    expect(payment).toMatchObject({ status: 'AUTHORIZED', psp_charge_id: charges[0]?.chargeId });
    const { rows: attempts } = await db.query<{ outcome: string; idempotency_key: string }>(
      `SELECT outcome, idempotency_key FROM payment.payment_attempts WHERE order_id = $1 ORDER BY id`,
      [s.orderId],
    );
    expect(attempts.map((a) => a.outcome)).toEqual(['connection_lost', 'answered']);
    expect(new Set(attempts.map((a) => a.idempotency_key))).toEqual(new Set([`pay:${s.orderId}:authorize`]));
  });
});

async function eventuallyReplies(h: PaymentHarness, commandId: string, count: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if ((await h.replies(commandId)).length >= count) return;
    await sleep(25);
  }
  throw new Error(`fewer than ${count} replies to ${commandId}`);
}

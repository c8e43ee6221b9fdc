// The incident Ordo exists to prevent: a customer debited twice because work was repeated after
// it had committed. The worker crashes after the PSP placed the hold and before Ordo recorded
// it; a restarted worker repeats the call under the same idempotency key once the lease runs out.
// Real Postgres for the service, the real PSP simulator over HTTP.
import type { Db } from '@ordo/db';
import { createTestPgDatabase, type TestPgDatabase } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AFTER_PSP_CALL } from '../src/index.js';
import {
  eventually,
  ledgerSums,
  type PaymentHarness,
  paymentRow,
  scenario,
  sleep,
  startPayment,
} from './support/payment.harness.js';
import { type PspSim, startPspSim } from './support/psp-sim.server.js';

describe('crash between the PSP call and recording its outcome (Postgres)', () => {
  let psp: PspSim;
  let pg: TestPgDatabase;
  let db: Db;
  let h: PaymentHarness;

  beforeAll(async () => {
    psp = await startPspSim();
    pg = await createTestPgDatabase('ordo_payment');
    db = pg.open({ max: 5 });
    h = await startPayment(db, psp.url);
  });
  afterAll(async () => {
    await h?.close();
    await db?.close();
    await pg?.drop();
    await psp?.close();
  });

  it('when the worker dies after the PSP authorized and is restarted, then there is exactly one authorization at the PSP and one payment', async () => {
    const s = scenario('crash');
    h.faults.arm(AFTER_PSP_CALL, { kind: 'throw' }, { times: 1 });
    const cmd = s.authorize(5_000);
    await h.send(cmd.type, cmd.payload);

    // The hold is placed, the outcome is not recorded, nobody has been answered.
    await eventually(async () => expect(h.faults.count(AFTER_PSP_CALL)).toBeGreaterThanOrEqual(1));
    expect((await psp.charges(s.orderId)).map((c) => c.status)).toEqual(['authorized']);
    await sleep(200);
    expect((await paymentRow(db, s.orderId))[0]?.status).toBe('AUTHORIZING');
    expect(await h.replies(cmd.payload.commandId)).toEqual([]);

    // A new process; the dead worker's lease still holds the operation until it runs out.
    await h.restart();
    await h.service.worker.runOnce();
    expect(await h.replies(cmd.payload.commandId)).toEqual([]);
    h.clock.advance(10_001);
    const reply = await h.reply(cmd.payload.commandId, { advanceMs: 100 });

    expect(reply.type).toBe('payment.authorized.v1');
    const charges = await psp.charges(s.orderId);
    expect(charges).toHaveLength(1);
    expect(charges[0]?.operations).toHaveLength(1);
    const payments = await paymentRow(db, s.orderId);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ status: 'AUTHORIZED', psp_charge_id: charges[0]?.chargeId });
    expect(await ledgerSums(db, s.orderId)).toEqual({ hold: 0 });
    const { rows: attempts } = await db.query<{ http_status: number; idempotency_key: string }>(
      `SELECT http_status, idempotency_key FROM payment.payment_attempts WHERE order_id = $1 ORDER BY id`,
      [s.orderId],
    );
    expect(attempts).toEqual([
      { http_status: 201, idempotency_key: `pay:${s.orderId}:authorize` },
      { http_status: 201, idempotency_key: `pay:${s.orderId}:authorize` },
    ]);
    expect(await h.replies(cmd.payload.commandId)).toHaveLength(1);
  });

  it('when two replicas share the queue, then every operation is processed by one of them, once', async () => {
    const second = await startPayment(db, psp.url, {}, h.clock);
    try {
      const orders = Array.from({ length: 6 }, (_, i) => scenario(`replica-${i}`));
      for (const s of orders) {
        const cmd = s.authorize(1_001);
        await h.send(cmd.type, cmd.payload);
      }
      for (const s of orders) expect((await h.reply(s.commandId('authorize'))).type).toBe('payment.authorized.v1');
      for (const s of orders) {
        const charges = await psp.charges(s.orderId);
        expect(charges).toHaveLength(1);
        expect(charges[0]?.operations).toHaveLength(1);
        expect(await h.replies(s.commandId('authorize'))).toHaveLength(1);
      }
    } finally {
      await second.close();
    }
  });
});

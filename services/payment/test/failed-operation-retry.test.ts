// An operator retries a saga parked in COMPENSATION_FAILED: the void (or capture) comes again
// under a new command id. The operation that FAILED (PSP down past its deadline) is opened again
// and goes to the PSP under the same idempotency key; the first command id keeps its stored
// reply, and once the operation succeeded a new command id is answered without the PSP.
import type { Db } from '@ordo/db';
import { openTestDatabase, TEST_DATABASES, type TestDatabase } from '@ordo/testing';
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

const databases = TEST_DATABASES.map(({ name, kind }) => ({
  name,
  open: (): Promise<TestDatabase> => openTestDatabase(kind, { prefix: 'ordo_payment', max: 5 }),
}));
let psp: PspSim;
beforeAll(async () => {
  psp = await startPspSim();
});
afterAll(() => psp?.close());

describe.each(databases)('a failed operation retried under a new command id ($name)', ({ open }) => {
  let database: TestDatabase;
  let db: Db;
  let h: PaymentHarness;

  beforeAll(async () => {
    database = await open();
    db = database.db;
    h = await startPayment(db, psp.url);
  });
  afterAll(async () => {
    await h?.close();
    await database?.close();
  });
  beforeEach(() => psp.resetFaults());

  type Command = { type: string; payload: Record<string, unknown> & { commandId: string } };

  async function authorized(name: string, amountCents: number) {
    const s = scenario(name);
    const cmd = s.authorize(amountCents);
    await h.send(cmd.type, cmd.payload);
    expect((await h.reply(cmd.payload.commandId)).type).toBe('payment.authorized.v1');
    return s;
  }

  /** PSP calls the payment service made for the order (every try, whatever its outcome). */
  const pspCalls = async (orderId: string, operation: string) =>
    Number(
      (
        await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM payment.payment_attempts WHERE order_id = $1 AND operation = $2`,
          [orderId, operation],
        )
      ).rows[0]?.n,
    );

  const operationsOf = async (orderId: string, kind: string) =>
    (
      await db.query<{ id: string; status: string }>(
        `SELECT id, status FROM payment.payment_operations WHERE order_id = $1 AND kind = $2`,
        [orderId, kind],
      )
    ).rows;

  const leasedOperations = async (orderId: string) =>
    Number(
      (
        await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM payment.payment_operations WHERE order_id = $1 AND lease_until IS NOT NULL`,
          [orderId],
        )
      ).rows[0]?.n,
    );

  /** Sends the command with the PSP down, and lets its deadline pass once the worker has tried. */
  async function failsPastDeadline(command: Command, orderId: string, operation: string) {
    await psp.setFaults({ outage: { active: true } });
    await h.send(command.type, command.payload);
    // Tried and queued, with no claim in flight: moving the clock on must not expire a lease
    // while a worker is still calling the PSP (it could then act after the outage ends).
    await eventually(async () => {
      h.service.worker.poke();
      expect(await pspCalls(orderId, operation)).toBeGreaterThan(0);
      expect((await operationsOf(orderId, operation)).map((o) => o.status)).toEqual(['QUEUED']);
      expect(await leasedOperations(orderId)).toBe(0);
    });
    h.clock.advance(121_000);
    h.service.worker.poke();
    const reply = await h.reply(command.payload.commandId);
    expect(reply).toMatchObject({ type: 'payment.operation_failed.v1', payload: { operation } });
    expect(String(reply.payload.detail)).toMatch(/^ORDO_ERR_PAYMENT_DEADLINE_EXCEEDED/);
    expect((await operationsOf(orderId, operation)).map((o) => o.status)).toEqual(['FAILED']);
    await psp.resetFaults();
    return reply;
  }

  it('when a void failed past its deadline and the PSP is back, then a new command id voids the hold once, and the first command id keeps its failure', async () => {
    const s = await authorized('void-retry', 1_400);
    const first = s.void();
    const failure = await failsPastDeadline(first, s.orderId, 'void');
    const [failedOperation] = await operationsOf(s.orderId, 'void');
    expect((await psp.charges(s.orderId))[0]?.status).toBe('authorized');

    // The operator's retry: the same void, a new command id.
    const retry = s.void('void:op1');
    await h.send(retry.type, retry.payload);
    const voided = await h.reply(retry.payload.commandId, { advanceMs: 100 });
    expect(voided).toMatchObject({ type: 'payment.voided.v1', payload: { commandId: retry.payload.commandId } });
    const [charge] = await psp.charges(s.orderId);
    expect(charge?.status).toBe('voided');
    expect(charge?.operations.filter((o) => o.kind === 'void')).toEqual([
      expect.objectContaining({ idempotencyKey: `pay:${s.orderId}:void` }),
    ]);
    expect(await operationsOf(s.orderId, 'void')).toEqual([{ id: failedOperation?.id, status: 'SUCCEEDED' }]);
    expect((await paymentRow(db, s.orderId))[0]?.status).toBe('VOIDED');
    expect(await ledgerSums(db, s.orderId)).toEqual({ hold: 0, void: 0 });

    // The first command delivered again: its stored reply, not the new outcome.
    await h.send(first.type, first.payload);
    const again = await eventually(async () => {
      const replies = await h.replies(first.payload.commandId);
      expect(replies).toHaveLength(2);
      return replies[1];
    });
    expect(again).toEqual(failure);

    // Yet another command id once voided: success at once, no call to the PSP.
    const callsBefore = await pspCalls(s.orderId, 'void');
    const third = s.void('void:op2');
    await h.send(third.type, third.payload);
    expect((await h.reply(third.payload.commandId)).type).toBe('payment.voided.v1');
    expect(await pspCalls(s.orderId, 'void')).toBe(callsBefore);
    expect((await psp.charges(s.orderId))[0]?.operations.filter((o) => o.kind === 'void')).toHaveLength(1);
  });

  it('when a capture failed past its deadline and the PSP is back, then a new command id captures once', async () => {
    const s = await authorized('capture-retry', 2_200);
    const first = s.capture(2_200);
    const failure = await failsPastDeadline(first, s.orderId, 'capture');

    const retry = s.capture(2_200, 'capture:op1');
    await h.send(retry.type, retry.payload);
    const captured = await h.reply(retry.payload.commandId, { advanceMs: 100 });
    expect(captured).toMatchObject({ type: 'payment.captured.v1', payload: { amountCents: 2_200 } });
    const [charge] = await psp.charges(s.orderId);
    expect(charge).toMatchObject({ status: 'captured', capturedCents: 2_200 });
    expect(charge?.operations.filter((o) => o.kind === 'capture')).toHaveLength(1);
    expect((await paymentRow(db, s.orderId))[0]).toMatchObject({ status: 'CAPTURED', captured_cents: 2_200 });
    expect(await ledgerSums(db, s.orderId)).toEqual({ hold: 0, capture: 0 });

    await h.send(first.type, first.payload);
    await eventually(async () => expect(await h.replies(first.payload.commandId)).toEqual([failure, failure]));

    const callsBefore = await pspCalls(s.orderId, 'capture');
    const third = s.capture(2_200, 'capture:op2');
    await h.send(third.type, third.payload);
    expect((await h.reply(third.payload.commandId)).type).toBe('payment.captured.v1');
    expect(await pspCalls(s.orderId, 'capture')).toBe(callsBefore);
  });

  it('when a void failed and the payment was captured meanwhile, then a new command id is refused without reopening the void', async () => {
    const s = await authorized('void-retry-captured', 900);
    await failsPastDeadline(s.void(), s.orderId, 'void');
    const capture = s.capture(900);
    await h.send(capture.type, capture.payload);
    expect((await h.reply(capture.payload.commandId, { advanceMs: 100 })).type).toBe('payment.captured.v1');

    const retry = s.void('void:op1');
    await h.send(retry.type, retry.payload);
    const reply = await h.reply(retry.payload.commandId);
    expect(reply.type).toBe('payment.operation_failed.v1');
    expect(String(reply.payload.detail)).toMatch(/^ORDO_ERR_PAYMENT_ALREADY_CAPTURED/);
    expect((await operationsOf(s.orderId, 'void')).map((o) => o.status)).toEqual(['FAILED']);
    expect((await psp.charges(s.orderId))[0]?.status).toBe('captured');
  });
});

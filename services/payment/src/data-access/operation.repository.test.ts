// The PSP worker's claim, on PGlite: an operation is leased only once the payment's earlier
// operations have ended, whatever else is due.
import { type Db, migrate } from '@ordo/db';
import { createTestPgliteDb } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationKind } from '../domain/payment.js';
import { Replies } from '../domain/payment-replies.js';
import { PAYMENT_SCHEMA } from '../main.js';
import { paymentMigrations } from './migrations.js';
import { OperationRepository } from './operation.repository.js';
import { PaymentRepository } from './payment.repository.js';

describe('OperationRepository.claimDue', () => {
  let db: Db;
  const payments = new PaymentRepository(PAYMENT_SCHEMA);
  const operations = new OperationRepository(PAYMENT_SCHEMA);
  const now = new Date('2026-12-07T12:00:00Z');

  beforeAll(async () => {
    db = await createTestPgliteDb();
    await migrate(db, PAYMENT_SCHEMA, paymentMigrations);
  });
  afterAll(async () => {
    await db?.close();
  });

  /** A payment with operations of `kinds`, in that order, all due now. */
  async function paymentWith(orderId: string, kinds: OperationKind[]): Promise<string[]> {
    return db.transaction(async (tx) => {
      const { payment } = await payments.insertOrLock(tx, {
        id: `pay_${orderId}`,
        orderId,
        customerId: 'customer-1',
        amountCents: 1_000,
        currency: 'EUR',
        now,
      });
      const ids: string[] = [];
      for (const kind of kinds) {
        const op = await operations.insert(tx, {
          id: `pop_${orderId}_${kind}`,
          paymentId: payment.id,
          orderId,
          kind,
          amountCents: 1_000,
          idempotencyKey: `${orderId}:${kind}`,
          correlationId: orderId,
          traceparent: null,
          deadlineAt: new Date(now.getTime() + 60_000),
          now,
        });
        ids.push(op.id);
      }
      return ids;
    });
  }

  const claim = async (token: string) =>
    (await operations.claimDue(db, { now, leaseMs: 30_000, limit: 10, token })).map((op) => op.id).sort();

  it('when a payment has an open operation before a due one, then only the earlier one is claimed until it ends', async () => {
    const [authorize, capture] = await paymentWith('order-a', ['authorize', 'capture']);
    const [other] = await paymentWith('order-b', ['authorize']);

    expect(await claim('first')).toEqual([authorize, other].sort());

    await db.transaction((tx) =>
      operations.finish(tx, authorize!, { status: 'SUCCEEDED', result: Replies.authorized('pay_order-a', 1_000), now }),
    );
    expect(await claim('second')).toEqual([capture]);
  });
});

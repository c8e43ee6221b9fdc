// The shared shape of capture, void and refund: lock the charge, let the domain decide,
// record the new state and the operation, answer. Runs inside the idempotent transaction.
import type { SqlExecutor } from '@ordo/db';
import { Errors } from '@ordo/errors';
import { findChargeForUpdate, insertOperation, updateCharge } from '../data-access/charge.repository.js';
import type { Charge, Transition } from '../domain/charge.js';
import { type Decided, rejected } from './idempotent-request.js';
import { newOperationId } from './ids.js';
import type { OperationOutcome } from './sim-stats.js';

export interface ChargeChange {
  readonly chargeId: string;
  readonly idempotencyKey: string;
  readonly now: Date;
  readonly transition: (charge: Charge, now: Date) => Transition;
  /** The success body, from the charge after the change. */
  readonly answer: (charge: Charge, operationId: string) => Record<string, unknown>;
  readonly outcome: OperationOutcome;
}

export async function changeCharge(tx: SqlExecutor, change: ChargeChange): Promise<Decided> {
  const charge = await findChargeForUpdate(tx, change.chargeId);
  if (!charge) {
    return rejected({
      error: Errors.PSP_CHARGE_NOT_FOUND,
      message: `no charge ${change.chargeId}`,
      details: { chargeId: change.chargeId },
    });
  }
  const result = change.transition(charge, change.now);
  if (!result.ok) return rejected(result.rejection);
  const operationId = newOperationId();
  await updateCharge(tx, result.charge);
  await insertOperation(tx, {
    ...result.operation,
    id: operationId,
    chargeId: charge.id,
    idempotencyKey: change.idempotencyKey,
    createdAt: change.now,
  });
  return { status: 200, body: change.answer(result.charge, operationId), outcome: change.outcome };
}

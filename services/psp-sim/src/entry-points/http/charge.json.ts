// How a charge and its operations look on the wire.
import type { ChargeWithOperations } from '../../domain/charge.js';

export function chargeJson(charge: ChargeWithOperations) {
  return {
    chargeId: charge.id,
    orderId: charge.orderId,
    currency: charge.currency,
    status: charge.status,
    amountCents: charge.amountCents,
    capturedCents: charge.capturedCents,
    refundedCents: charge.refundedCents,
    createdAt: charge.createdAt.toISOString(),
    updatedAt: charge.updatedAt.toISOString(),
    operations: charge.operations.map((operation) => ({
      operationId: operation.id,
      kind: operation.kind,
      amountCents: operation.amountCents,
      idempotencyKey: operation.idempotencyKey,
      createdAt: operation.createdAt.toISOString(),
    })),
  };
}

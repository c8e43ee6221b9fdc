// Refunds part or all of a captured charge; several partial refunds may follow each other.
import { refund } from '../domain/charge.js';
import { requestFingerprint } from '../domain/request-fingerprint.js';
import { changeCharge } from './change-charge.js';
import { type PspResult, runIdempotent } from './idempotent-request.js';
import type { PspSimDeps } from './psp-sim.deps.js';

export function createRefundCharge(deps: PspSimDeps) {
  return (idempotencyKey: string, chargeId: string, request: { amountCents: number }): Promise<PspResult> =>
    runIdempotent(deps, { key: idempotencyKey, fingerprint: requestFingerprint('refund', chargeId, request) }, (tx) =>
      changeCharge(tx, {
        chargeId,
        idempotencyKey,
        now: deps.now(),
        transition: (charge, now) => refund(charge, request.amountCents, now),
        answer: (charge, operationId) => ({
          chargeId: charge.id,
          operationId,
          status: charge.status,
          refundedCents: charge.refundedCents,
        }),
        outcome: 'refunds',
      }),
    );
}

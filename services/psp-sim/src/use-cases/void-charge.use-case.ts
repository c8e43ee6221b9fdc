// Voids an authorization that was not captured: the hold is released in full.
import { voidCharge } from '../domain/charge.js';
import { requestFingerprint } from '../domain/request-fingerprint.js';
import { changeCharge } from './change-charge.js';
import { type PspResult, runIdempotent } from './idempotent-request.js';
import type { PspSimDeps } from './psp-sim.deps.js';

export function createVoidCharge(deps: PspSimDeps) {
  return (idempotencyKey: string, chargeId: string): Promise<PspResult> =>
    runIdempotent(deps, { key: idempotencyKey, fingerprint: requestFingerprint('void', chargeId, {}) }, (tx) =>
      changeCharge(tx, {
        chargeId,
        idempotencyKey,
        now: deps.now(),
        transition: voidCharge,
        answer: (charge, operationId) => ({ chargeId: charge.id, operationId, status: charge.status }),
        outcome: 'voids',
      }),
    );
}

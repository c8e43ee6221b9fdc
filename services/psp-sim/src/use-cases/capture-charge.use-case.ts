// Captures an authorized charge, up to the authorized amount.
import { capture } from '../domain/charge.js';
import { requestFingerprint } from '../domain/request-fingerprint.js';
import { changeCharge } from './change-charge.js';
import { type PspResult, runIdempotent } from './idempotent-request.js';
import type { PspSimDeps } from './psp-sim.deps.js';

export function createCaptureCharge(deps: PspSimDeps) {
  return (idempotencyKey: string, chargeId: string, request: { amountCents: number }): Promise<PspResult> =>
    runIdempotent(deps, { key: idempotencyKey, fingerprint: requestFingerprint('capture', chargeId, request) }, (tx) =>
      changeCharge(tx, {
        chargeId,
        idempotencyKey,
        now: deps.now(),
        transition: (charge, now) => capture(charge, request.amountCents, now),
        answer: (charge, operationId) => ({
          chargeId: charge.id,
          operationId,
          status: charge.status,
          capturedCents: charge.capturedCents,
        }),
        outcome: 'captures',
      }),
    );
}

// Every use case of the simulator, built from its dependencies in one place.
import { createAuthorizeCharge } from './authorize-charge.use-case.js';
import { createCaptureCharge } from './capture-charge.use-case.js';
import { createPruneIdempotencyKeys } from './prune-idempotency-keys.use-case.js';
import type { PspSimDeps } from './psp-sim.deps.js';
import { createGetCharge, createListCharges } from './read-charges.use-case.js';
import { createRefundCharge } from './refund-charge.use-case.js';
import { createVoidCharge } from './void-charge.use-case.js';

export function createPspSimUseCases(deps: PspSimDeps, options: { idempotencyRetentionMs: number }) {
  return {
    authorizeCharge: createAuthorizeCharge(deps),
    captureCharge: createCaptureCharge(deps),
    voidCharge: createVoidCharge(deps),
    refundCharge: createRefundCharge(deps),
    getCharge: createGetCharge(deps),
    listCharges: createListCharges(deps),
    pruneIdempotencyKeys: createPruneIdempotencyKeys(deps, options.idempotencyRetentionMs),
  };
}

export type PspSimUseCases = ReturnType<typeof createPspSimUseCases>;

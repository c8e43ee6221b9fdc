// Idempotency keys are kept for a retention horizon (a day by default, as real providers do),
// then forgotten: a key reused after that is a new request.
import { deleteKeysBefore } from '../data-access/idempotency.repository.js';
import type { PspSimDeps } from './psp-sim.deps.js';

export function createPruneIdempotencyKeys(deps: PspSimDeps, retentionMs: number) {
  return (): Promise<number> => deleteKeysBefore(deps.db, new Date(deps.now().getTime() - retentionMs));
}

// Runs an operation at most once per idempotency key: the state change and the stored answer
// commit in one transaction; a repeat of the same request replays the answer, a different
// request under the same key is refused.

import type { SqlExecutor } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import { findStoredResponse, lockIdempotencyKey, storeResponse } from '../data-access/idempotency.repository.js';
import type { Rejection } from '../domain/charge.js';
import type { PspSimDeps } from './psp-sim.deps.js';
import type { OperationOutcome } from './sim-stats.js';

/** An answer of the provider API as sent: an HTTP status and its JSON text. */
export interface PspResult {
  readonly status: number;
  readonly json: string;
  /** True when the answer is the one stored for an earlier request with the same key. */
  readonly replayed: boolean;
}

/** What an operation decided, before it is stored: the answer and what to count it as. */
export interface Decided {
  readonly status: number;
  readonly body: unknown;
  readonly outcome: OperationOutcome;
}

export interface IdempotentRequest {
  readonly key: string;
  readonly fingerprint: string;
}

/** The answer for a refused operation, in the `{ error: { code, message, details } }` shape. */
export function rejected(rejection: Rejection): Decided {
  return {
    status: rejection.error.httpStatus,
    body: { error: { code: rejection.error.code, message: rejection.message, details: rejection.details } },
    outcome: 'rejections',
  };
}

export async function runIdempotent(
  deps: PspSimDeps,
  request: IdempotentRequest,
  operation: (tx: SqlExecutor) => Promise<Decided>,
): Promise<PspResult> {
  const result = await deps.db.transaction(async (tx): Promise<PspResult & { outcome?: OperationOutcome }> => {
    await lockIdempotencyKey(tx, request.key);
    const stored = await findStoredResponse(tx, request.key);
    if (stored) {
      if (stored.fingerprint !== request.fingerprint) {
        throw new AppError(Errors.PSP_IDEMPOTENCY_MISMATCH, {
          message: `idempotency key ${request.key} was already used with a different request`,
          details: { idempotencyKey: request.key },
        });
      }
      return { status: stored.status, json: stored.body, replayed: true };
    }
    const decided = await operation(tx);
    const json = JSON.stringify(decided.body);
    await storeResponse(
      tx,
      request.key,
      { status: decided.status, body: json, fingerprint: request.fingerprint },
      deps.now(),
    );
    return { status: decided.status, json, replayed: false, outcome: decided.outcome };
  });
  // Counted after the commit: a rolled-back attempt did nothing.
  deps.stats.outcome(result.outcome ?? 'replays');
  return { status: result.status, json: result.json, replayed: result.replayed };
}

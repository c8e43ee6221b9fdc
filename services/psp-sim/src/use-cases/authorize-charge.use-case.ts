// Places a hold on a card: a new charge, `authorized`, or `declined` (402) when the card
// token is on the simulator's decline list. Both are stored and replayed for the same key.
import { Errors } from '@ordo/errors';
import { insertCharge, insertOperation } from '../data-access/charge.repository.js';
import { type AuthorizationRequest, authorize, ChargeStatus } from '../domain/charge.js';
import { requestFingerprint } from '../domain/request-fingerprint.js';
import { type PspResult, runIdempotent } from './idempotent-request.js';
import { newChargeId, newOperationId } from './ids.js';
import type { PspSimDeps } from './psp-sim.deps.js';

export function createAuthorizeCharge(deps: PspSimDeps) {
  return (idempotencyKey: string, request: AuthorizationRequest): Promise<PspResult> =>
    runIdempotent(
      deps,
      { key: idempotencyKey, fingerprint: requestFingerprint('authorize', null, request) },
      async (tx) => {
        const now = deps.now();
        const { charge, operation } = authorize(newChargeId(), request, deps.faults.settings().declineTokens, now);
        const operationId = newOperationId();
        await insertCharge(tx, charge);
        await insertOperation(tx, {
          ...operation,
          id: operationId,
          chargeId: charge.id,
          idempotencyKey,
          createdAt: now,
        });
        if (charge.status === ChargeStatus.Declined) {
          return {
            status: Errors.PSP_CARD_DECLINED.httpStatus,
            body: {
              error: {
                code: Errors.PSP_CARD_DECLINED.code,
                message: Errors.PSP_CARD_DECLINED.message,
                details: { chargeId: charge.id, operationId, declineCode: 'card_declined' },
              },
            },
            outcome: 'declines',
          };
        }
        return {
          status: 201,
          body: { chargeId: charge.id, operationId, status: charge.status, amountCents: charge.amountCents },
          outcome: 'authorizations',
        };
      },
    );
}

// Reads for the payment service's reconciliation: one charge, or every charge page by page
// (keyset on the time-ordered id), each with its operations.
import { AppError, Errors } from '@ordo/errors';
import { type ChargePageQuery, findCharge, listCharges } from '../data-access/charge.repository.js';
import type { ChargeWithOperations } from '../domain/charge.js';
import type { PspSimDeps } from './psp-sim.deps.js';

export interface ChargePage {
  readonly charges: readonly ChargeWithOperations[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly nextAfter: string | null;
}

export function createGetCharge(deps: PspSimDeps) {
  return async (chargeId: string): Promise<ChargeWithOperations> => {
    const charge = await findCharge(deps.db, chargeId);
    if (!charge) {
      throw new AppError(Errors.PSP_CHARGE_NOT_FOUND, { message: `no charge ${chargeId}`, details: { chargeId } });
    }
    return charge;
  };
}

export function createListCharges(deps: PspSimDeps) {
  return async (query: ChargePageQuery): Promise<ChargePage> => {
    const charges = await listCharges(deps.db, query);
    const last = charges.at(-1);
    return { charges, nextAfter: charges.length === query.limit && last ? last.id : null };
  };
}

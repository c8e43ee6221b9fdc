// The courier's own switches: availability (taking new jobs or not) and position.
import type { GeoPoint } from '@ordo/contracts-common';
import type { SqlExecutor } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import type { Courier } from '../domain/courier.js';
import type { DeliveryDeps } from './deps.js';
import { dispatchWaiting } from './dispatch-waiting.use-case.js';

export async function setAvailability(
  deps: DeliveryDeps,
  tx: SqlExecutor,
  input: { userId: string; available: boolean },
): Promise<Courier> {
  const now = deps.now();
  const result = await deps.couriers.setAvailability(tx, input.userId, input.available, now);
  if (!result) throw new AppError(Errors.DELIVERY_COURIER_NOT_FOUND);
  // Coming on shift frees a courier: the oldest waiting request may be theirs now.
  if (input.available && !result.wasAvailable) await dispatchWaiting(deps, tx, now);
  return result.courier;
}

/** Records where the courier is (used by dispatch). The live tracking stream is separate. */
export async function updatePosition(
  deps: DeliveryDeps,
  tx: SqlExecutor,
  input: { userId: string; position: GeoPoint },
): Promise<Courier> {
  const courier = await deps.couriers.setPosition(tx, input.userId, input.position, deps.now());
  if (!courier) throw new AppError(Errors.DELIVERY_COURIER_NOT_FOUND);
  return courier;
}

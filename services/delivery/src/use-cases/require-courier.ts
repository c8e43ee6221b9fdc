// The signed-in user's courier profile, or 404: every courier endpoint starts here.
import type { SqlExecutor } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import type { Courier } from '../domain/courier.js';
import type { DeliveryDeps } from './deps.js';

export async function requireCourier(deps: DeliveryDeps, executor: SqlExecutor, userId: string): Promise<Courier> {
  const courier = await deps.couriers.findByUserId(executor, userId);
  if (!courier) throw new AppError(Errors.DELIVERY_COURIER_NOT_FOUND);
  return courier;
}

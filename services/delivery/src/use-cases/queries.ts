// Read-only views: the courier's jobs, and the operators' list of couriers.
import type { SqlExecutor } from '@ordo/db';
import type { CourierStatus } from '../domain/courier.js';
import type { Delivery } from '../domain/delivery.js';
import type { DeliveryDeps } from './deps.js';
import { requireCourier } from './require-courier.js';

const RECENT_JOBS = 20;

export async function listJobs(
  deps: DeliveryDeps,
  executor: SqlExecutor,
  userId: string,
): Promise<{ current: Delivery | undefined; recent: Delivery[] }> {
  const courier = await requireCourier(deps, executor, userId);
  return deps.deliveries.listForCourier(executor, courier.id, RECENT_JOBS);
}

export function listCouriers(
  deps: DeliveryDeps,
  executor: SqlExecutor,
  page: { after?: string; limit: number },
): Promise<CourierStatus[]> {
  return deps.couriers.list(executor, page);
}

// The courier moves their delivery along: accept → picked up → delivered. The lifecycle events
// go to the outbox in the same transaction; a delivered courier is free for the next request.
import { DeliveryEvents, DeliveryTopics } from '@ordo/contracts-delivery';
import type { SqlExecutor } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import {
  acceptDelivery,
  completeDelivery,
  type Delivery,
  type DeliveryChange,
  DeliveryStatus,
  pickUpDelivery,
} from '../domain/delivery.js';
import type { DeliveryDeps } from './deps.js';
import { dispatchWaiting } from './dispatch-waiting.use-case.js';
import { requireCourier } from './require-courier.js';

export const DeliveryStep = {
  accept: acceptDelivery,
  pickUp: pickUpDelivery,
  deliver: completeDelivery,
} as const satisfies Record<string, (delivery: Delivery, at: Date) => DeliveryChange>;
export type DeliveryStep = keyof typeof DeliveryStep;

export async function advanceDelivery(
  deps: DeliveryDeps,
  tx: SqlExecutor,
  input: { userId: string; deliveryId: string; step: DeliveryStep },
): Promise<Delivery> {
  const courier = await requireCourier(deps, tx, input.userId);
  const delivery = await deps.deliveries.lockForCourier(tx, input.deliveryId, courier.id);
  // Another courier's delivery is reported exactly like one that does not exist.
  if (!delivery) throw new AppError(Errors.DELIVERY_NOT_FOUND, { details: { deliveryId: input.deliveryId } });
  const now = deps.now();
  const change = DeliveryStep[input.step](delivery, now);
  if (!change.changed) return change.delivery;
  await deps.deliveries.update(tx, change.delivery);
  await deps.writer.write(
    tx,
    change.events.map((event) => ({
      topic: DeliveryTopics.events,
      type: DeliveryEvents[event.name].type,
      key: change.delivery.id,
      payload: event.payload,
      correlationId: change.delivery.correlationId,
    })),
  );
  if (change.delivery.status === DeliveryStatus.Delivered) await dispatchWaiting(deps, tx, now);
  return change.delivery;
}

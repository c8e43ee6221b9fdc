// The replies this participant sends, built from the contract's types.
import { DeliveryReplies } from '@ordo/contracts-delivery';
import type { Reply } from '@ordo/participant';
import type { CancellationRefusal, Delivery } from '../domain/delivery.js';

export function courierAssigned(delivery: Pick<Delivery, 'id' | 'courierId'>): Reply {
  return {
    type: DeliveryReplies.courierAssigned.type,
    payload: { deliveryId: delivery.id, courierId: delivery.courierId },
  };
}

export function noCourier(): Reply {
  return { type: DeliveryReplies.assignmentFailed.type, payload: { reason: 'no_courier' } };
}

export function deliveryCancelled(deliveryId: string | null): Reply {
  return { type: DeliveryReplies.deliveryCancelled.type, payload: { deliveryId } };
}

export function cancellationRefused(deliveryId: string, reason: CancellationRefusal): Reply {
  return { type: DeliveryReplies.cancellationRefused.type, payload: { deliveryId, reason } };
}

// The delivery context: courier assignment for the create-order saga, cancellation, and the
// delivery lifecycle events (picked up, delivered) the order service reacts to.
import {
  commandMeta,
  geoPoint,
  id,
  isoTime,
  message,
  replyMeta,
  schemasOf,
  sealedAddress,
  sealedValue,
} from '@ordo/contracts-common';
import { z } from 'zod';

export const DeliveryTopics = {
  commands: 'delivery.commands',
  replies: 'delivery.replies',
  events: 'delivery.events',
} as const;

export const DeliveryCommands = {
  assignCourier: message(
    'delivery.assign_courier.v1',
    commandMeta.extend({
      orderId: id,
      restaurantId: id,
      pickup: geoPoint,
      dropoff: sealedAddress,
      contact: sealedValue.optional(),
    }),
  ),
  cancelDelivery: message('delivery.cancel.v1', commandMeta.extend({ orderId: id })),
};

export const DeliveryReplies = {
  courierAssigned: message('delivery.courier_assigned.v1', replyMeta.extend({ deliveryId: id, courierId: id })),
  assignmentFailed: message('delivery.assignment_failed.v1', replyMeta.extend({ reason: z.enum(['no_courier']) })),
  deliveryCancelled: message('delivery.cancelled.v1', replyMeta.extend({ deliveryId: id.nullable() })),
  /** The courier already picked the order up: the delivery can no longer be cancelled. */
  cancellationRefused: message(
    'delivery.cancellation_refused.v1',
    replyMeta.extend({ deliveryId: id, reason: z.enum(['already_picked_up', 'already_delivered']) }),
  ),
};

export const DeliveryEvents = {
  /** A courier got the order's delivery (saga step 4); the first event of every delivery. */
  courierAssigned: message(
    'delivery.assigned.v1',
    z.object({
      deliveryId: id,
      orderId: id,
      courierId: id,
      courierUserId: id,
      courierName: z.string(),
      at: isoTime,
    }),
  ),
  pickedUp: message('delivery.picked_up.v1', z.object({ deliveryId: id, orderId: id, courierId: id, at: isoTime })),
  delivered: message('delivery.delivered.v1', z.object({ deliveryId: id, orderId: id, courierId: id, at: isoTime })),
};

export const deliverySchemas = {
  ...schemasOf(DeliveryCommands),
  ...schemasOf(DeliveryReplies),
  ...schemasOf(DeliveryEvents),
};

export * from './tracking.js';

// A courier reports where they are on their active delivery: the pings are checked and published
// to the tracking stream, and the call returns once the broker has them. Nothing is written to
// the database: the tracking stream is the record, and dispatch does not need a busy courier's
// position.
import { createHash } from 'node:crypto';
import { type LocationPing, TrackingEvents } from '@ordo/contracts-delivery';
import type { SqlExecutor } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import type { Envelope } from '@ordo/messaging';
import type { TrackingPublisher } from '../data-access/tracking.publisher.js';
import { isActive } from '../domain/delivery.js';
import { checkPings } from '../domain/location-pings.js';
import type { DeliveryDeps } from './deps.js';

export interface ReportLocationsInput {
  readonly userId: string;
  readonly deliveryId: string;
  readonly pings: readonly LocationPing[];
}

export async function reportLocations(
  deps: DeliveryDeps,
  executor: SqlExecutor,
  publisher: TrackingPublisher,
  input: ReportLocationsInput,
): Promise<{ accepted: number; messageId: string }> {
  const now = deps.now();
  checkPings(input.pings, now);
  const delivery = await deps.deliveries.findForCourierUser(executor, input.deliveryId, input.userId);
  if (!delivery) throw new AppError(Errors.DELIVERY_NOT_FOUND, { details: { deliveryId: input.deliveryId } });
  if (!isActive(delivery.status)) {
    throw new AppError(Errors.DELIVERY_ILLEGAL_TRANSITION, {
      message: 'pings are taken only for an active delivery',
      details: { status: delivery.status },
    });
  }
  const payload = {
    deliveryId: delivery.id,
    orderId: delivery.orderId,
    courierId: delivery.courierId,
    pings: input.pings,
  };
  const messageId = batchId(delivery.id, input.pings);
  const envelope: Envelope = {
    id: messageId,
    type: TrackingEvents.locationsReported.type,
    key: delivery.id,
    // Pings are not sequenced: a consumer keeps the newest by time.
    seq: 0,
    occurredAt: now.toISOString(),
    correlationId: delivery.correlationId,
    causationId: null,
    traceparent: null,
    payload,
  };
  await publisher.publish(envelope);
  return { accepted: input.pings.length, messageId };
}

/**
 * The same batch sent again (the app retries after a timeout) gets the same id, so the broker's
 * dedup stores it once. Shaped as a UUID (version 8: custom).
 */
function batchId(deliveryId: string, pings: readonly LocationPing[]): string {
  const hex = createHash('sha256').update(deliveryId).update(JSON.stringify(pings)).digest('hex');
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

// Live tracking: the courier app's location pings, published to a bounded stream of their own.
// They do not go through the outbox (no state change to commit with) and carry no seq: a
// consumer keeps the newest position by time, so duplicates and reordering are harmless.
import { id, isoTime, message, schemasOf } from '@ordo/contracts-common';
import { z } from 'zod';

/** The tracking stream: bounded by age and count (see the delivery service's topic options). */
export const TrackingTopic = 'delivery.tracking';

/** Most pings one request (and one stream message) may carry. */
export const MAX_PINGS_PER_BATCH = 100;

export const locationPing = z.strictObject({
  /** When the device took the fix. */
  at: isoTime,
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  /** Degrees clockwise from north. */
  heading: z.number().min(0).lt(360).optional(),
  /** Metres per second. */
  speed: z.number().min(0).max(100).optional(),
});
export type LocationPing = z.infer<typeof locationPing>;

export const TrackingEvents = {
  /** A batch of pings of one courier on one delivery, oldest first. */
  locationsReported: message(
    'delivery.locations_reported.v1',
    z.object({
      deliveryId: id,
      orderId: id,
      courierId: id,
      pings: z.array(locationPing).min(1).max(MAX_PINGS_PER_BATCH),
    }),
  ),
};

export const trackingSchemas = schemasOf(TrackingEvents);

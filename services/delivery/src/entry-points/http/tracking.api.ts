// The live-tracking ingestion API: the request (validated by the route with this schema) and the
// operation as the docs at /docs list it.
import { id } from '@ordo/contracts-common';
import { locationPing, MAX_PINGS_PER_BATCH } from '@ordo/contracts-delivery';
import { Errors } from '@ordo/errors';
import type { ApiOperation } from '@ordo/http';
import { z } from 'zod';

export const locationsBody = z.strictObject({
  deliveryId: id,
  pings: z.array(locationPing).min(1).max(MAX_PINGS_PER_BATCH),
});

export const locationsAcceptedSchema = z.object({
  accepted: z.number().int().meta({ description: 'How many pings the tracking stream now holds from this batch.' }),
  messageId: z.string().meta({ description: 'The same batch sent again gets the same id and is stored once.' }),
});
export type LocationsAccepted = z.output<typeof locationsAcceptedSchema>;

export const trackingApi: readonly ApiOperation[] = [
  {
    method: 'POST',
    path: '/v1/couriers/me/locations',
    summary: 'Report a batch of location pings',
    description:
      `Up to ${MAX_PINGS_PER_BATCH} pings, oldest first, for the caller's active delivery. Answered once the ` +
      'tracking stream has durably accepted them. Under load the answer is 429 or 503 with `Retry-After`: send ' +
      'the same batch again then (it is stored once).',
    tags: ['Courier'],
    roles: ['courier'],
    body: locationsBody,
    responses: {
      202: { description: 'The stream has the pings.', schema: locationsAcceptedSchema },
      400: {
        description: 'A ping from the future, too old, or out of order.',
        errors: [Errors.TRACKING_PING_REJECTED],
      },
      404: { description: 'No such delivery of the caller’s.', errors: [Errors.DELIVERY_NOT_FOUND] },
      409: { description: 'The delivery is finished or cancelled.', errors: [Errors.DELIVERY_ILLEGAL_TRANSITION] },
      429: { description: 'Too many batches waiting for the broker.', errors: [Errors.TRACKING_BUSY] },
      503: { description: 'The broker is not acknowledging.', errors: [Errors.TRACKING_UNAVAILABLE] },
    },
  },
];

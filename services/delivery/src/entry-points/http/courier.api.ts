// The courier app's API: the requests (validated by the routes with these schemas) and the
// operations as the docs at /docs list them.
import { geoPoint, id } from '@ordo/contracts-common';
import { Errors } from '@ordo/errors';
import type { ApiOperation } from '@ordo/http';
import { z } from 'zod';
import { courierSchema, deliverySchema } from './presenters.js';

export const deliveryParams = z.object({ id });
/** The step takes no fields: an absent body and `{}` are the same request, anything else is a 400. */
export const noBody = z.strictObject({}).optional();
export const availabilityBody = z.strictObject({ available: z.boolean() });
export const positionBody = z.strictObject(geoPoint.shape);

export const jobsSchema = z.object({
  current: deliverySchema.nullable().meta({ description: 'The delivery the courier is on, if any.' }),
  recent: z.array(deliverySchema),
});
export type JobsView = z.output<typeof jobsSchema>;

export const positionSchema = z.object({ courierId: id, position: geoPoint, updatedAt: z.iso.datetime() });
export type PositionView = z.output<typeof positionSchema>;

const tags = ['Courier'];
const roles = ['courier'];
const noProfile = { description: 'The caller has no courier profile.', errors: [Errors.DELIVERY_COURIER_NOT_FOUND] };

// The pickup captures the payment: it takes an Idempotency-Key (ADR 0018).
function step(path: string, summary: string, description: string, idempotent = false): ApiOperation {
  return {
    method: 'POST',
    path: `/v1/courier/deliveries/:id/${path}`,
    summary,
    description: `${description} Repeating a step already done answers the delivery as it is.`,
    tags,
    roles,
    idempotent,
    params: deliveryParams,
    responses: {
      200: { description: 'The delivery after the step.', schema: deliverySchema },
      404: {
        description: 'No such delivery of the caller’s, or no courier profile.',
        errors: [Errors.DELIVERY_NOT_FOUND, Errors.DELIVERY_COURIER_NOT_FOUND],
      },
      409: { description: 'Not the next step for this delivery.', errors: [Errors.DELIVERY_ILLEGAL_TRANSITION] },
    },
  };
}

export const courierApi: readonly ApiOperation[] = [
  {
    method: 'GET',
    path: '/v1/courier/jobs',
    summary: 'My current and recent jobs',
    tags,
    roles,
    responses: { 200: { description: 'The caller’s deliveries.', schema: jobsSchema }, 404: noProfile },
  },
  step('accept', 'Accept an assigned delivery', 'The courier takes the job (from `ASSIGNED`).'),
  step('picked-up', 'Report the pickup', 'The courier has the food (from `ACCEPTED`); the payment is captured.', true),
  step('delivered', 'Report the delivery', 'The customer has the food (from `PICKED_UP`).'),
  {
    method: 'PUT',
    path: '/v1/courier/availability',
    summary: 'Go on or off shift',
    description: 'An available courier without an active delivery gets the next waiting job.',
    tags,
    roles,
    body: availabilityBody,
    responses: { 200: { description: 'The courier.', schema: courierSchema }, 404: noProfile },
  },
  {
    method: 'POST',
    path: '/v1/courier/position',
    summary: 'Report my position',
    description: 'Where the courier is, for dispatch.',
    tags,
    roles,
    body: positionBody,
    responses: { 200: { description: 'The recorded position.', schema: positionSchema }, 404: noProfile },
  },
];

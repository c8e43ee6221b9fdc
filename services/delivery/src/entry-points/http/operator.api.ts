// The operators' fleet view: the request (validated by the route with this schema) and the
// operation as the docs at /docs list it.
import { id } from '@ordo/contracts-common';
import type { ApiOperation } from '@ordo/http';
import { z } from 'zod';
import { courierStatusSchema } from './presenters.js';

export const courierPageQuery = z.strictObject({
  after: id.optional().meta({ description: 'The `next` of the previous page.' }),
  limit: z.coerce.number().int().min(1).max(1_000).default(500),
});

export const courierPageSchema = z.object({
  couriers: z.array(courierStatusSchema),
  next: id.nullable().meta({ description: 'Pass as `after` for the next page; null on the last one.' }),
});
export type CourierPageView = z.output<typeof courierPageSchema>;

export const operatorApi: readonly ApiOperation[] = [
  {
    method: 'GET',
    path: '/v1/couriers',
    summary: 'List couriers',
    description:
      'Where every courier is, who is free and who is on which delivery. Names are shown as initials; ' +
      'positions stay exact, as dispatching needs them.',
    tags: ['Operations: fleet'],
    roles: ['operator'],
    query: courierPageQuery,
    responses: { 200: { description: 'One page of couriers.', schema: courierPageSchema } },
  },
];

// The query API's requests (validated by the routes with these schemas) and its operations as the
// docs at /docs list them.
import { Errors } from '@ordo/errors';
import type { ApiOperation } from '@ordo/http';
import { z } from 'zod';
import { QueryErrors } from '../../use-cases/query-errors.js';
import { boardSchema, courierJobSchema, orderHistorySchema, orderViewSchema } from './presenters.js';

export const orderIdParams = z.object({ id: z.string().min(1).max(100) });

export const readOrderQuery = z.object({
  minVersion: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .meta({ description: 'The `version` a write returned: the read waits briefly until the view has it.' }),
});

export const listOrdersQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional().meta({ description: 'The `nextCursor` of the previous page.' }),
  after: z.string().max(200).optional().meta({ description: 'Same as `cursor` (the order service’s name).' }),
});

const notFound = { description: 'No such order, or another customer’s.', errors: [Errors.ORDER_NOT_FOUND] };

export const queryApi: readonly ApiOperation[] = [
  {
    method: 'GET',
    path: '/v1/orders/:id',
    summary: 'Read an order',
    description:
      'From the order view: status, lines, restaurant, courier, timeline. A customer reads only their own ' +
      'orders; operators read any. With `minVersion`, waits briefly for the view to reach that version.',
    tags: ['Orders'],
    roles: ['customer', 'operator'],
    params: orderIdParams,
    query: readOrderQuery,
    responses: {
      200: { description: 'The order.', schema: orderViewSchema },
      404: notFound,
      503: { description: 'The view has not reached `minVersion` yet; retry.', errors: [QueryErrors.VIEW_BEHIND] },
    },
  },
  {
    method: 'GET',
    path: '/v1/orders',
    summary: 'List my orders',
    description: 'The caller’s orders, newest first, a page at a time (keyset pagination, opaque cursor).',
    tags: ['Orders'],
    roles: ['customer'],
    query: listOrdersQuery,
    responses: { 200: { description: 'One page of orders.', schema: orderHistorySchema } },
  },
  {
    method: 'GET',
    path: '/v1/restaurant/board',
    summary: 'My kitchen board',
    description: 'The open tickets of the restaurants the caller works at, oldest first.',
    tags: ['Kitchen'],
    roles: ['restaurant'],
    responses: { 200: { description: 'The open tickets.', schema: boardSchema } },
  },
  {
    method: 'GET',
    path: '/v1/courier/job',
    summary: 'My current job',
    description: 'The delivery the calling courier is on, with its order; null when none.',
    tags: ['Courier'],
    roles: ['courier'],
    responses: { 200: { description: 'The current job.', schema: courierJobSchema } },
  },
];

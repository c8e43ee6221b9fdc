// The live-tracking stream's request (validated by the route with these schemas) and its operation
// as the docs at /docs list it.
import { Errors } from '@ordo/errors';
import type { ApiOperation } from '@ordo/http';
import { z } from 'zod';
import { orderIdParams } from './query.api.js';

/** A Last-Event-ID as the feed makes them (`<ms>-<n>`); anything else is refused. */
const eventId = z
  .string()
  .regex(/^\d{1,16}-\d{1,16}$/)
  .meta({ description: 'The id of the last event received; the stream resumes after it.' });

export const trackQuery = z.object({
  lastEventId: eventId.optional().meta({ description: 'For clients that cannot set the `Last-Event-ID` header.' }),
});
/** Only the header this route reads; the others pass. */
export const trackHeaders = z.object({ 'last-event-id': eventId.optional() });

export const trackApi: readonly ApiOperation[] = [
  {
    method: 'GET',
    path: '/v1/orders/:id/track',
    summary: 'Follow an order live (server-sent events)',
    description:
      'A `text/event-stream` of `position` (`{at, lat, lng, heading?, speed?}`), `status` (`{status, at}`) and ' +
      '`eta` (`{seconds, arrivesAt, at}`: seconds still to go from the ping at `at`) events, each with an `id`. Without `Last-Event-ID` it starts with the recent ' +
      'history (the path so far, the statuses); with it, it resumes right after that event: nothing missed, ' +
      'nothing twice. Only the order’s customer and operators may follow it.',
    tags: ['Orders'],
    roles: ['customer', 'operator'],
    params: orderIdParams,
    query: trackQuery,
    responses: {
      200: { description: 'The event stream (stays open).' },
      404: { description: 'No such order, or another customer’s.', errors: [Errors.ORDER_NOT_FOUND] },
    },
  },
];

// The kitchen's ticket queue: the requests (validated by the routes with these schemas) and the
// operations as the docs at /docs list them.
import { id } from '@ordo/contracts-common';
import { Errors } from '@ordo/errors';
import type { ApiOperation } from '@ordo/http';
import { z } from 'zod';
import { ticketStatuses } from '../../domain/ticket.js';
import { ticketSchema } from './views.js';

export const ticketsQuery = z.strictObject({
  status: z.enum(ticketStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const ticketParams = z.object({ id });
/** The step takes no fields: an absent body and `{}` are the same request, anything else is a 400. */
export const noBody = z.strictObject({}).optional();

const tags = ['Kitchen'];
const roles = ['restaurant'];

function advance(step: 'accept' | 'ready', summary: string, description: string): ApiOperation {
  return {
    method: 'POST',
    path: `/v1/restaurant/tickets/:id/${step}`,
    summary,
    description,
    tags,
    roles,
    params: ticketParams,
    responses: {
      200: { description: 'The ticket after the step.', schema: ticketSchema },
      404: { description: 'No such ticket at the caller’s restaurants.', errors: [Errors.RESTAURANT_TICKET_NOT_FOUND] },
      409: {
        description: 'The ticket is not in a state for this step.',
        errors: [Errors.RESTAURANT_ILLEGAL_TRANSITION],
      },
    },
  };
}

export const ticketsApi: readonly ApiOperation[] = [
  {
    method: 'GET',
    path: '/v1/restaurant/tickets',
    summary: 'List my kitchen tickets',
    description: 'Tickets of the restaurants the caller works at.',
    tags,
    roles,
    query: ticketsQuery,
    responses: { 200: { description: 'The tickets.', schema: z.object({ tickets: z.array(ticketSchema) }) } },
  },
  advance('accept', 'Accept a ticket', 'The kitchen starts cooking (from `CONFIRMED`).'),
  advance('ready', 'Mark a ticket ready', 'The food is ready for the courier (from `ACCEPTED`).'),
];

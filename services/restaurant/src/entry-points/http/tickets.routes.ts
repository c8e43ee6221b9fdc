// The kitchen's side: staff (role restaurant) list their restaurants' tickets and move them along.
import { id } from '@ordo/contracts-common';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ticketStatuses } from '../../domain/ticket.js';
import { advanceTicket, type StaffTicketAction } from '../../use-cases/advance-ticket.use-case.js';
import { listTickets } from '../../use-cases/list-tickets.use-case.js';
import { parseInput } from './parse-input.js';
import type { RoutesOptions } from './route-options.js';
import { ticketView } from './views.js';

const ticketsQuery = z.strictObject({
  status: z.enum(ticketStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const ticketParams = z.object({ id });

export const ticketsRoutes: FastifyPluginAsync<RoutesOptions> = async (app, { deps, auth }) => {
  const staffOnly = { preHandler: auth.authorize(['restaurant']) };

  app.get('/v1/restaurant/tickets', staffOnly, async (request) => {
    const query = parseInput(ticketsQuery, request.query, 'querystring');
    const tickets = await listTickets(deps, auth.currentUser(request), query);
    return { tickets: tickets.map(ticketView) };
  });

  const actions: ReadonlyArray<[path: string, action: StaffTicketAction]> = [
    ['/v1/restaurant/tickets/:id/accept', 'accept'],
    ['/v1/restaurant/tickets/:id/ready', 'ready'],
  ];
  for (const [path, action] of actions) {
    app.post(path, staffOnly, async (request) => {
      const params = parseInput(ticketParams, request.params, 'params');
      return ticketView(await advanceTicket(deps, auth.currentUser(request), params.id, action));
    });
  }
};

// The kitchen's side: staff (role restaurant) list their restaurants' tickets and move them along.
import { allow, authPlugin } from '@ordo/auth';
import { parseInput } from '@ordo/http';
import type { FastifyPluginAsync } from 'fastify';
import { advanceTicket, type StaffTicketAction } from '../../use-cases/advance-ticket.use-case.js';
import { listTickets } from '../../use-cases/list-tickets.use-case.js';
import type { RoutesOptions } from './route-options.js';
import { noBody, ticketParams, ticketsQuery } from './tickets.api.js';
import { ticketView } from './views.js';

export const ticketsRoutes: FastifyPluginAsync<RoutesOptions> = async (app, { deps, auth }) => {
  await app.register(authPlugin, { auth });
  const staffOnly = { config: allow('restaurant') };

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
      parseInput(noBody, request.body, 'body');
      return ticketView(await advanceTicket(deps, auth.currentUser(request), params.id, action));
    });
  }
};

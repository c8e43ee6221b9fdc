// The courier app's API: their jobs, moving a delivery along, availability and position.
// Couriers see and change only their own deliveries; another's is a 404.
import { allow, authPlugin, type RouteAuth } from '@ordo/auth';
import type { Db } from '@ordo/db';
import { parseInput } from '@ordo/http';
import type { FastifyPluginAsync } from 'fastify';
import { advanceDelivery, type DeliveryStep } from '../../use-cases/advance-delivery.use-case.js';
import { setAvailability, updatePosition } from '../../use-cases/courier-status.use-case.js';
import type { DeliveryDeps } from '../../use-cases/deps.js';
import { listJobs } from '../../use-cases/queries.js';
import {
  availabilityBody,
  deliveryParams,
  type JobsView,
  noBody,
  type PositionView,
  positionBody,
} from './courier.api.js';
import { courierJson, deliveryJson } from './presenters.js';

export interface CourierRoutesOptions {
  readonly deps: DeliveryDeps;
  readonly db: Db;
  readonly auth: RouteAuth;
}

const steps: ReadonlyArray<[path: string, step: DeliveryStep]> = [
  ['accept', 'accept'],
  ['picked-up', 'pickUp'],
  ['delivered', 'deliver'],
];

export const courierRoutes: FastifyPluginAsync<CourierRoutesOptions> = async (app, { deps, db, auth }) => {
  await app.register(authPlugin, { auth });
  const courierOnly = { config: allow('courier') };

  app.get('/v1/courier/jobs', courierOnly, async (request): Promise<JobsView> => {
    const { current, recent } = await listJobs(deps, db, auth.currentUser(request).id);
    const json = (d: Parameters<typeof deliveryJson>[0]) => deliveryJson(d, deps.cipher);
    return { current: current ? await json(current) : null, recent: await Promise.all(recent.map(json)) };
  });

  for (const [path, step] of steps) {
    app.post(`/v1/courier/deliveries/:id/${path}`, courierOnly, async (request) => {
      const { id: deliveryId } = parseInput(deliveryParams, request.params, 'params');
      parseInput(noBody, request.body, 'body');
      const userId = auth.currentUser(request).id;
      const delivery = await db.transaction((tx) => advanceDelivery(deps, tx, { userId, deliveryId, step }));
      return deliveryJson(delivery, deps.cipher);
    });
  }

  app.put('/v1/courier/availability', courierOnly, async (request) => {
    const { available } = parseInput(availabilityBody, request.body, 'body');
    const userId = auth.currentUser(request).id;
    const courier = await db.transaction((tx) => setAvailability(deps, tx, { userId, available }));
    return courierJson(courier);
  });

  app.post('/v1/courier/position', courierOnly, async (request): Promise<PositionView> => {
    const position = parseInput(positionBody, request.body, 'body');
    const userId = auth.currentUser(request).id;
    const courier = await db.transaction((tx) => updatePosition(deps, tx, { userId, position }));
    return { courierId: courier.id, position: courier.position, updatedAt: courier.updatedAt.toISOString() };
  });
};

// The courier app's live-tracking ingestion: batches of location pings for the active delivery.
import { allow, authPlugin, type RouteAuth } from '@ordo/auth';
import type { Db } from '@ordo/db';
import { parseInput } from '@ordo/http';
import type { FastifyPluginAsync } from 'fastify';
import type { TrackingPublisher } from '../../data-access/tracking.publisher.js';
import type { DeliveryDeps } from '../../use-cases/deps.js';
import { reportLocations } from '../../use-cases/report-locations.use-case.js';
import { type LocationsAccepted, locationsBody } from './tracking.api.js';

export interface TrackingRoutesOptions {
  readonly deps: DeliveryDeps;
  readonly db: Db;
  readonly auth: RouteAuth;
  readonly tracking: TrackingPublisher;
}

export const trackingRoutes: FastifyPluginAsync<TrackingRoutesOptions> = async (app, { deps, db, auth, tracking }) => {
  await app.register(authPlugin, { auth });

  app.post(
    '/v1/couriers/me/locations',
    { config: allow('courier') },
    async (request, reply): Promise<LocationsAccepted> => {
      const { deliveryId, pings } = parseInput(locationsBody, request.body, 'body');
      const userId = auth.currentUser(request).id;
      const result = await reportLocations(deps, db, tracking, { userId, deliveryId, pings });
      reply.code(202);
      return result;
    },
  );
};

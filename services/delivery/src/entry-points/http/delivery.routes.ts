// All HTTP routes of the delivery service, as one plugin (paths are absolute).
import type { RouteAuth } from '@ordo/auth';
import type { Db } from '@ordo/db';
import type { FastifyPluginAsync } from 'fastify';
import type { TrackingPublisher } from '../../data-access/tracking.publisher.js';
import type { DeliveryDeps } from '../../use-cases/deps.js';
import { courierRoutes } from './courier.routes.js';
import { operatorRoutes } from './operator.routes.js';
import { trackingRoutes } from './tracking.routes.js';

export interface DeliveryRoutesOptions {
  readonly deps: DeliveryDeps;
  readonly db: Db;
  readonly auth: RouteAuth;
  readonly tracking: TrackingPublisher;
}

export const deliveryRoutes: FastifyPluginAsync<DeliveryRoutesOptions> = async (app, options) => {
  await app.register(courierRoutes, options);
  await app.register(operatorRoutes, options);
  await app.register(trackingRoutes, options);
};

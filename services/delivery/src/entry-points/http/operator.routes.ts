// The operator console's view of the fleet: where couriers are, who is free, who is busy.
import { allow, authPlugin, type RouteAuth } from '@ordo/auth';
import type { Db } from '@ordo/db';
import { parseInput } from '@ordo/http';
import type { FastifyPluginAsync } from 'fastify';
import type { DeliveryDeps } from '../../use-cases/deps.js';
import { listCouriers } from '../../use-cases/queries.js';
import { type CourierPageView, courierPageQuery } from './operator.api.js';
import { courierStatusJson } from './presenters.js';

export interface OperatorRoutesOptions {
  readonly deps: DeliveryDeps;
  readonly db: Db;
  readonly auth: RouteAuth;
}

export const operatorRoutes: FastifyPluginAsync<OperatorRoutesOptions> = async (app, { deps, db, auth }) => {
  await app.register(authPlugin, { auth });

  app.get('/v1/couriers', { config: allow('operator') }, async (request): Promise<CourierPageView> => {
    const page = parseInput(courierPageQuery, request.query, 'querystring');
    const couriers = await listCouriers(deps, db, page);
    const last = couriers.at(-1);
    return {
      couriers: couriers.map(courierStatusJson),
      next: couriers.length === page.limit && last ? last.id : null,
    };
  });
};

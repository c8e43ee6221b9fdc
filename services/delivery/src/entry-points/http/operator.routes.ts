// The operator console's view of the fleet: where couriers are, who is free, who is busy.
import { id } from '@ordo/contracts-common';
import type { Db } from '@ordo/db';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { DeliveryDeps } from '../../use-cases/deps.js';
import { listCouriers } from '../../use-cases/queries.js';
import type { DeliveryAuth } from './auth.js';
import { parseInput } from './parse-input.js';
import { courierStatusJson } from './presenters.js';

export interface OperatorRoutesOptions {
  readonly deps: DeliveryDeps;
  readonly db: Db;
  readonly auth: DeliveryAuth;
}

const pageQuery = z.strictObject({
  after: id.optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(500),
});

export const operatorRoutes: FastifyPluginAsync<OperatorRoutesOptions> = async (app, { deps, db, auth }) => {
  app.get('/v1/couriers', { preHandler: auth.authorize(['operator']) }, async (request) => {
    const page = parseInput(pageQuery, request.query, 'querystring');
    const couriers = await listCouriers(deps, db, page);
    const last = couriers.at(-1);
    return {
      couriers: couriers.map(courierStatusJson),
      next: couriers.length === page.limit && last ? last.id : null,
    };
  });
};

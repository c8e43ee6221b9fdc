// Operator endpoints for sagas: find stuck or parked ones, read their step log, and act on a
// parked one (retry its step, skip it, or close it as resolved with a note).
import type { SagaEngine } from '@ordo/saga';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parse } from './parse.js';
import type { RouteAuth } from './route-auth.js';

const listQuery = z.object({
  status: z
    .enum(['RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED', 'FORWARD_FAILED', 'RESOLVED'])
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: z.string().max(200).optional(),
});
const sagaParams = z.object({ id: z.string().min(1).max(200) });
const actionBody = z.strictObject({ note: z.string().min(1).max(2_000).optional() }).default({});
const resolveBody = z.strictObject({ note: z.string().min(1).max(2_000) });

export interface SagaOpsRoutesOptions {
  engine: SagaEngine;
  auth: RouteAuth;
}

export const sagaOpsRoutes: FastifyPluginAsync<SagaOpsRoutesOptions> = async (app, { engine, auth }) => {
  const operator = { preHandler: auth.authorize(['operator']) };

  app.get('/v1/ops/sagas', operator, async (request) => {
    const query = parse(listQuery, request.query);
    const page = await engine.list({ status: query.status, limit: query.limit, afterId: query.after });
    return { sagas: page.items, next: page.nextAfterId };
  });

  app.get('/v1/ops/sagas/:id', operator, async (request) => {
    const { id } = parse(sagaParams, request.params);
    return engine.get(id);
  });

  app.post('/v1/ops/sagas/:id/retry', operator, async (request) => {
    const { id } = parse(sagaParams, request.params);
    const { note } = parse(actionBody, request.body ?? {});
    await engine.retry(id, withOperator(note, auth.currentUser(request).id));
    return engine.get(id);
  });

  app.post('/v1/ops/sagas/:id/skip', operator, async (request) => {
    const { id } = parse(sagaParams, request.params);
    const { note } = parse(actionBody, request.body ?? {});
    await engine.skip(id, withOperator(note, auth.currentUser(request).id));
    return engine.get(id);
  });

  app.post('/v1/ops/sagas/:id/resolve', operator, async (request) => {
    const { id } = parse(sagaParams, request.params);
    const { note } = parse(resolveBody, request.body);
    await engine.resolve(id, withOperator(note, auth.currentUser(request).id));
    return engine.get(id);
  });
};

function withOperator(note: string | undefined, operatorId: string): string {
  return note ? `${note} (operator ${operatorId})` : `by operator ${operatorId}`;
}

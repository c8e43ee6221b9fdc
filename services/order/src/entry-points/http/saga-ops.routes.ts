// Operator endpoints for sagas: find stuck or parked ones, read their step log, and act on a
// parked one (retry its step, skip it, or close it as resolved with a note).
import { allow, authPlugin, type RouteAuth } from '@ordo/auth';
import { parseInput } from '@ordo/http';
import type { SagaEngine } from '@ordo/saga';
import type { FastifyPluginAsync } from 'fastify';
import { sagaDetailsView, sagaView } from './saga.presenter.js';
import { actionBody, listSagasQuery, resolveBody, sagaParams } from './saga-ops.api.js';

export interface SagaOpsRoutesOptions {
  engine: SagaEngine;
  auth: RouteAuth;
}

export const sagaOpsRoutes: FastifyPluginAsync<SagaOpsRoutesOptions> = async (app, { engine, auth }) => {
  await app.register(authPlugin, { auth });
  const operator = { config: allow('operator') };

  app.get('/v1/ops/sagas', operator, async (request) => {
    const query = parseInput(listSagasQuery, request.query, 'querystring');
    const page = await engine.list({ status: query.status, limit: query.limit, afterId: query.after });
    return { sagas: page.items.map(sagaView), next: page.nextAfterId };
  });

  app.get('/v1/ops/sagas/:id', operator, async (request) => {
    const { id } = parseInput(sagaParams, request.params, 'params');
    return sagaDetailsView(await engine.get(id));
  });

  app.post('/v1/ops/sagas/:id/retry', operator, async (request) => {
    const { id } = parseInput(sagaParams, request.params, 'params');
    const { note } = parseInput(actionBody, request.body, 'body');
    await engine.retry(id, withOperator(note, auth.currentUser(request).id));
    return sagaDetailsView(await engine.get(id));
  });

  app.post('/v1/ops/sagas/:id/skip', operator, async (request) => {
    const { id } = parseInput(sagaParams, request.params, 'params');
    const { note } = parseInput(actionBody, request.body, 'body');
    await engine.skip(id, withOperator(note, auth.currentUser(request).id));
    return sagaDetailsView(await engine.get(id));
  });

  app.post('/v1/ops/sagas/:id/resolve', operator, async (request) => {
    const { id } = parseInput(sagaParams, request.params, 'params');
    const { note } = parseInput(resolveBody, request.body, 'body');
    await engine.resolve(id, withOperator(note, auth.currentUser(request).id));
    return sagaDetailsView(await engine.get(id));
  });
};

function withOperator(note: string | undefined, operatorId: string): string {
  return note ? `${note} (operator ${operatorId})` : `by operator ${operatorId}`;
}

// GET /v1/ops/audit and /v1/ops/audit/verify: operators only (declared access, ADR 0020).
import { allow, authPlugin, Role, type RouteAuth } from '@ordo/auth';
import { parseInput } from '@ordo/http';
import type { FastifyPluginAsync } from 'fastify';
import type { AuditDeps } from '../../use-cases/audit.deps.js';
import { listEntries } from '../../use-cases/list-entries.use-case.js';
import { verifyLog } from '../../use-cases/verify-log.use-case.js';
import { listAuditQuery } from './audit.api.js';
import { entryJson, verifyJson } from './audit.presenter.js';

export interface AuditRoutesOptions {
  readonly deps: AuditDeps;
  readonly auth: RouteAuth;
}

export const auditRoutes: FastifyPluginAsync<AuditRoutesOptions> = async (app, { deps, auth }) => {
  await app.register(authPlugin, { auth });

  app.get('/v1/ops/audit', { config: allow(Role.Operator) }, async (request) => {
    const query = parseInput(listAuditQuery, request.query, 'querystring');
    const page = await listEntries(deps, {
      action: query.action,
      subjectType: query.subjectType,
      subjectId: query.subjectId,
      actorId: query.actor,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      limit: query.limit,
      cursor: query.cursor,
    });
    return { data: page.entries.map(entryJson), nextCursor: page.nextCursor };
  });

  app.get('/v1/ops/audit/verify', { config: allow(Role.Operator) }, async () =>
    verifyJson(await verifyLog(deps, deps.db)),
  );
};

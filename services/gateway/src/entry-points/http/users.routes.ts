// POST /v1/users (operators create accounts of any role) and GET /v1/me (any caller).
import { allow, allowAnyRole, type Role, Role as Roles, requireUser } from '@ordo/auth';
import type { FastifyPluginAsync } from 'fastify';
import type { UserRepository } from '../../data-access/user.repository.js';
import { toUserView } from '../../domain/user.js';
import { createUser } from '../../use-cases/create-user.use-case.js';
import { getCurrentUser } from '../../use-cases/get-current-user.use-case.js';
import type { PasswordHasher } from '../../use-cases/password-hasher.js';
import { AUTH_BODY_LIMIT } from './auth.routes.js';
import { createUserBody, meView, userView } from './schemas.js';

export interface UsersRoutesDeps {
  users: UserRepository;
  passwords: PasswordHasher;
  now: () => Date;
}

export function usersRoutes(deps: UsersRoutesDeps): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: { email: string; password: string; role: Role; name?: string } }>(
      '/v1/users',
      {
        config: allow(Roles.Operator),
        bodyLimit: AUTH_BODY_LIMIT,
        schema: { body: createUserBody, response: { 201: userView } },
      },
      async (request, reply) => {
        const user = await createUser(deps, request.body);
        request.log.info({ userId: user.id, role: user.role, by: requireUser(request).id }, 'user created by operator');
        return reply.code(201).send(toUserView(user));
      },
    );

    app.get('/v1/me', { config: allowAnyRole(), schema: { response: { 200: meView } } }, async (request) => {
      const user = await getCurrentUser(deps, requireUser(request));
      return { ...toUserView(user), name: user.name, createdAt: user.createdAt.toISOString() };
    });
  };
}

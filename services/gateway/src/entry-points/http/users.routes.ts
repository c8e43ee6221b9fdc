// POST /v1/users (operators create accounts of any role) and GET /v1/me (any caller).
import { allow, allowAnyRole, Role, requireUser } from '@ordo/auth';
import { parseInput } from '@ordo/http';
import type { FastifyPluginAsync } from 'fastify';
import type { UserRepository } from '../../data-access/user.repository.js';
import { toUserView } from '../../domain/user.js';
import { createUser } from '../../use-cases/create-user.use-case.js';
import { getCurrentUser } from '../../use-cases/get-current-user.use-case.js';
import type { PasswordHasher } from '../../use-cases/password-hasher.js';
import { AUTH_BODY_LIMIT } from './auth.routes.js';
import { createUserBody, type MeResponse, type UserResponse } from './schemas.js';

export interface UsersRoutesDeps {
  users: UserRepository;
  passwords: PasswordHasher;
  now: () => Date;
}

export function usersRoutes(deps: UsersRoutesDeps): FastifyPluginAsync {
  return async (app) => {
    app.post('/v1/users', { config: allow(Role.Operator), bodyLimit: AUTH_BODY_LIMIT }, async (request, reply) => {
      const operator = requireUser(request);
      const user = await createUser(deps, {
        ...parseInput(createUserBody, request.body, 'body'),
        createdBy: { kind: 'user', userId: operator.id, role: operator.role },
      });
      request.log.info({ userId: user.id, role: user.role, by: operator.id }, 'user created by operator');
      const view: UserResponse = toUserView(user);
      return reply.code(201).send(view);
    });

    app.get('/v1/me', { config: allowAnyRole() }, async (request): Promise<MeResponse> => {
      const user = await getCurrentUser(deps, requireUser(request));
      return { ...toUserView(user), name: user.name, createdAt: user.createdAt.toISOString() };
    });
  };
}

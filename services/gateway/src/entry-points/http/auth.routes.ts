// POST /v1/auth/register and POST /v1/auth/login: the only ways in without a token.
import { allowAnonymous, type TokenIssuer } from '@ordo/auth';
import type { FastifyPluginAsync } from 'fastify';
import type { UserRepository } from '../../data-access/user.repository.js';
import { toUserView } from '../../domain/user.js';
import { registerCustomer } from '../../use-cases/create-user.use-case.js';
import { logIn } from '../../use-cases/log-in.use-case.js';
import type { PasswordHasher } from '../../use-cases/password-hasher.js';
import { credentialsBody, registerBody, tokenResponse, userView } from './schemas.js';

export interface AuthRoutesDeps {
  users: UserRepository;
  passwords: PasswordHasher;
  tokens: TokenIssuer;
  now: () => Date;
}

// Credentials are a few hundred bytes; anything near this is not a login.
export const AUTH_BODY_LIMIT = 16 * 1024;

export function authRoutes(deps: AuthRoutesDeps): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: { email: string; password: string; name?: string } }>(
      '/v1/auth/register',
      {
        config: allowAnonymous(),
        bodyLimit: AUTH_BODY_LIMIT,
        schema: { body: registerBody, response: { 201: userView } },
      },
      async (request, reply) => {
        const user = await registerCustomer(deps, request.body);
        return reply.code(201).send(toUserView(user));
      },
    );

    app.post<{ Body: { email: string; password: string } }>(
      '/v1/auth/login',
      {
        config: allowAnonymous(),
        bodyLimit: AUTH_BODY_LIMIT,
        schema: { body: credentialsBody, response: { 200: tokenResponse } },
      },
      async (request, reply) => {
        const token = await logIn(deps, request.body);
        // RFC 6749, 5.1: responses carrying tokens are not cached.
        reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
        return token;
      },
    );
  };
}

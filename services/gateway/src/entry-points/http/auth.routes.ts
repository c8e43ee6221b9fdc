// POST /v1/auth/register and POST /v1/auth/login: the only ways in without a token.
import { allowAnonymous, type TokenIssuer, type TokenResponse } from '@ordo/auth';
import { parseInput } from '@ordo/http';
import type { FastifyPluginAsync } from 'fastify';
import type { UserRepository } from '../../data-access/user.repository.js';
import { toUserView } from '../../domain/user.js';
import { registerCustomer } from '../../use-cases/create-user.use-case.js';
import { logIn } from '../../use-cases/log-in.use-case.js';
import type { PasswordHasher } from '../../use-cases/password-hasher.js';
import { credentialsBody, registerBody, type UserResponse } from './schemas.js';

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
    app.post('/v1/auth/register', { config: allowAnonymous(), bodyLimit: AUTH_BODY_LIMIT }, async (request, reply) => {
      const body = parseInput(registerBody, request.body, 'body');
      const user = await registerCustomer(deps, body);
      const view: UserResponse = toUserView(user);
      return reply.code(201).send(view);
    });

    app.post(
      '/v1/auth/login',
      { config: allowAnonymous(), bodyLimit: AUTH_BODY_LIMIT },
      async (request, reply): Promise<TokenResponse> => {
        const token = await logIn(deps, parseInput(credentialsBody, request.body, 'body'));
        // RFC 6749, 5.1: responses carrying tokens are not cached.
        reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
        return token;
      },
    );
  };
}

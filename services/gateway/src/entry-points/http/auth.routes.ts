// POST /v1/auth/register, login, refresh and logout: the only ways in without an access token.
import { allowAnonymous, type TokenIssuer } from '@ordo/auth';
import { parseInput } from '@ordo/http';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { RefreshTokenRepository } from '../../data-access/refresh-token.repository.js';
import type { UserRepository } from '../../data-access/user.repository.js';
import { toUserView } from '../../domain/user.js';
import { registerCustomer } from '../../use-cases/create-user.use-case.js';
import { logIn } from '../../use-cases/log-in.use-case.js';
import { logOut } from '../../use-cases/log-out.use-case.js';
import type { LoginThrottle } from '../../use-cases/login-throttle.js';
import type { PasswordHasher } from '../../use-cases/password-hasher.js';
import { refreshSession } from '../../use-cases/refresh-session.use-case.js';
import type { SessionTokens } from '../../use-cases/session.js';
import { credentialsBody, refreshTokenBody, registerBody, type UserResponse } from './schemas.js';

export interface AuthRoutesDeps {
  users: UserRepository;
  passwords: PasswordHasher;
  tokens: TokenIssuer;
  refreshTokens: RefreshTokenRepository;
  refreshTokenTtlSeconds: number;
  throttle: LoginThrottle;
  now: () => Date;
}

// Credentials are a few hundred bytes; anything near this is not a login.
export const AUTH_BODY_LIMIT = 16 * 1024;

// RFC 6749, 5.1: responses carrying tokens are not cached.
function noStore(reply: FastifyReply): void {
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

export function authRoutes(deps: AuthRoutesDeps): FastifyPluginAsync {
  return async (app) => {
    const route = { config: allowAnonymous(), bodyLimit: AUTH_BODY_LIMIT };

    app.post('/v1/auth/register', route, async (request, reply) => {
      const body = parseInput(registerBody, request.body, 'body');
      const user = await registerCustomer(deps, body);
      const view: UserResponse = toUserView(user);
      return reply.code(201).send(view);
    });

    app.post('/v1/auth/login', route, async (request, reply): Promise<SessionTokens> => {
      const body = parseInput(credentialsBody, request.body, 'body');
      noStore(reply);
      return logIn(deps, { ...body, ip: request.ip });
    });

    app.post('/v1/auth/refresh', route, async (request, reply): Promise<SessionTokens> => {
      const { refreshToken } = parseInput(refreshTokenBody, request.body, 'body');
      noStore(reply);
      return refreshSession(deps, refreshToken);
    });

    app.post('/v1/auth/logout', route, async (request, reply) => {
      const { refreshToken } = parseInput(refreshTokenBody, request.body, 'body');
      await logOut(deps, refreshToken);
      return reply.code(204).send();
    });
  };
}

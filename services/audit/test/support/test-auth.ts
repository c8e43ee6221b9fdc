// A stand-in for @ordo/auth in component tests: the user is read from `x-test-user: <id>:<role>`,
// and refused with the registry's codes as the real hooks do.
import { type AuthenticatedUser, isRole, type Role, type RouteAuth } from '@ordo/auth';
import { AppError, Errors } from '@ordo/errors';
import type { FastifyRequest } from 'fastify';

function userOf(request: FastifyRequest): AuthenticatedUser | undefined {
  const header = request.headers['x-test-user'];
  if (typeof header !== 'string') return undefined;
  const [id, role] = header.split(':');
  return id && isRole(role) ? { id, role } : undefined;
}

export const testAuth: RouteAuth = {
  authorize: (roles) => async (request: FastifyRequest) => {
    const user = userOf(request);
    if (!user) throw new AppError(Errors.AUTH_UNAUTHENTICATED);
    if (!(roles as readonly string[]).includes(user.role)) throw new AppError(Errors.AUTH_FORBIDDEN);
  },
  currentUser: (request) => {
    const user = userOf(request);
    if (!user) throw new Error('authorize runs before every route');
    return user;
  },
};

export const as = (userId: string, role: Role) => ({ 'x-test-user': `${userId}:${role}` });

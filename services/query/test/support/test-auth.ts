// A stand-in for @ordo/auth in component tests: the user is read from `x-test-user: <id>:<role>`.
import { type AuthenticatedUser, isRole, type Role, type RouteAuth } from '@ordo/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';

function userOf(request: FastifyRequest): AuthenticatedUser | undefined {
  const header = request.headers['x-test-user'];
  if (typeof header !== 'string') return undefined;
  const [id, role] = header.split(':');
  return id && isRole(role) ? { id, role } : undefined;
}

export const testAuth: RouteAuth = {
  authorize: (roles) => async (request: FastifyRequest, reply: FastifyReply) => {
    const user = userOf(request);
    if (!user) return reply.code(401).send({ error: { code: 'TEST_UNAUTHENTICATED', message: 'no x-test-user' } });
    if (!(roles as readonly string[]).includes(user.role)) {
      return reply.code(403).send({ error: { code: 'TEST_FORBIDDEN', message: `role ${user.role} not allowed` } });
    }
  },
  currentUser: (request) => {
    const user = userOf(request);
    if (!user) throw new Error('authorize runs before every route');
    return user;
  },
};

export const as = (userId: string, role: Role = 'customer') => ({ 'x-test-user': `${userId}:${role}` });

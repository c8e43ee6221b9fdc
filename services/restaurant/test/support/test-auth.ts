// A stand-in for @ordo/auth in component tests: the caller is named by an `x-test-user: <role>:<id>`
// header. It answers 401/403 the way the real hooks do, with codes of its own.
import type { RouteAuth } from '@ordo/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, Role } from '../../src/index.js';

const ROLES: readonly Role[] = ['customer', 'courier', 'restaurant', 'operator'];

function readUser(request: FastifyRequest): Actor | undefined {
  const header = request.headers['x-test-user'];
  if (typeof header !== 'string') return undefined;
  const [role, id] = header.split(':', 2) as [string, string | undefined];
  if (!id || !ROLES.includes(role as Role)) return undefined;
  return { id, role: role as Role };
}

export const testAuth: RouteAuth = {
  authorize: (roles) => async (request: FastifyRequest, reply: FastifyReply) => {
    const user = readUser(request);
    if (!user) return reply.code(401).send({ error: { code: 'TEST_UNAUTHENTICATED', message: 'no test user' } });
    if (!roles.includes(user.role)) return reply.code(403).send({ error: { code: 'TEST_FORBIDDEN', message: 'role' } });
  },
  currentUser: (request) => {
    const user = readUser(request);
    if (!user) throw new Error('currentUser called on a route without authorize');
    return user;
  },
};

export const as = (role: Role, id: string) => ({ 'x-test-user': `${role}:${id}` });

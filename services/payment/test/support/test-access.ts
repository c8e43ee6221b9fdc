// A stand-in for @ordo/auth in component tests: the caller is named by an `x-test-user: <role>:<id>`
// header. It turns callers away with 401/403 as the real hooks do (with the registry's codes).
import { AppError, Errors } from '@ordo/errors';
import type { FastifyRequest } from 'fastify';
import type { PaymentCaller, PaymentHttpAccess, PaymentRole } from '../../src/index.js';

function readUser(request: FastifyRequest): PaymentCaller | null {
  const header = request.headers['x-test-user'];
  if (typeof header !== 'string') return null;
  const [role, id] = header.split(':', 2);
  return role && id ? { id, role } : null;
}

export const testAccess: PaymentHttpAccess = {
  authorize: (roles: readonly PaymentRole[]) => async (request: FastifyRequest) => {
    const user = readUser(request);
    if (!user) throw new AppError(Errors.AUTH_UNAUTHENTICATED);
    if (!(roles as readonly string[]).includes(user.role)) throw new AppError(Errors.AUTH_FORBIDDEN);
  },
  currentUser: readUser,
};

export const as = (role: PaymentRole, id = 'op-1') => ({ 'x-test-user': `${role}:${id}` });

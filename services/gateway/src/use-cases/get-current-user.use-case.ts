// The caller's own account, for GET /v1/me.
import { type AuthenticatedUser, UnauthenticatedReason, unauthenticated } from '@ordo/auth';
import type { UserRepository } from '../data-access/user.repository.js';
import type { User } from '../domain/user.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function getCurrentUser(deps: { users: UserRepository }, caller: AuthenticatedUser): Promise<User> {
  // A valid token for an account that no longer exists identifies nobody.
  const user = UUID.test(caller.id) ? await deps.users.findById(caller.id) : undefined;
  if (!user) throw unauthenticated(UnauthenticatedReason.UnknownUser);
  return user;
}

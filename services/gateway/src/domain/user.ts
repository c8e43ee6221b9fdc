// A user account as the gateway knows it.
import type { Role } from '@ordo/auth';

export interface User {
  id: string;
  /** Normalized (see `normalizeEmail`); unique. */
  email: string;
  name: string | null;
  role: Role;
  createdAt: Date;
}

/** A user with the credential, for login only; never leaves the use case. */
export interface UserWithCredential extends User {
  passwordHash: string;
}

/** The public view of a user, as returned by the API. */
export interface UserView {
  id: string;
  email: string;
  role: Role;
}

export function toUserView(user: User): UserView {
  return { id: user.id, email: user.email, role: user.role };
}

// Creating an account: self-registration (always a customer) and creation by an operator or a
// seed (any role). One INSERT, so a failure leaves nothing behind.
import { randomUUID } from 'node:crypto';
import { Role } from '@ordo/auth';
import { AppError, Errors } from '@ordo/errors';
import type { AccountCreator } from '../data-access/audited-user.repository.js';
import type { NewUser } from '../data-access/user.repository.js';
import { normalizeEmail } from '../domain/email.js';
import { checkPasswordPolicy } from '../domain/password-policy.js';
import type { User } from '../domain/user.js';
import type { PasswordHasher } from './password-hasher.js';

export interface CreateUserDeps {
  /** An `AuditedUserRepository` writes the `account.created` audit event with the insert. */
  users: { insertIfEmailFree(user: NewUser, createdBy?: AccountCreator): Promise<User | undefined> };
  passwords: PasswordHasher;
  now: () => Date;
}

export interface CreateUserInput {
  email: string;
  password: string;
  role: Role;
  name?: string | null;
  /** Who creates it, for the audit log; default the gateway itself. */
  createdBy?: AccountCreator;
}

/** Creates the user; 400 on a bad email or password, 409 `ORDO_ERR_AUTH_EMAIL_TAKEN` when the email is in use. */
export async function createUser(deps: CreateUserDeps, input: CreateUserInput): Promise<User> {
  const email = normalizeEmail(input.email);
  checkPasswordPolicy(input.password);
  const passwordHash = await deps.passwords.hash(input.password);
  const user = await deps.users.insertIfEmailFree(
    {
      id: randomUUID(),
      email,
      name: input.name?.trim() || null,
      passwordHash,
      role: input.role,
      createdAt: deps.now(),
    },
    input.createdBy,
  );
  if (!user) throw new AppError(Errors.AUTH_EMAIL_TAKEN);
  return user;
}

/** Self-registration: whatever the request says, the account is a customer's. */
export function registerCustomer(deps: CreateUserDeps, input: Omit<CreateUserInput, 'role'>): Promise<User> {
  return createUser(deps, {
    email: input.email,
    password: input.password,
    name: input.name,
    role: Role.Customer,
    createdBy: 'self',
  });
}

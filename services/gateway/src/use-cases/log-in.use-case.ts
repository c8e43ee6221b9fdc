// Login: email and password in, access token out. An unknown email and a wrong password give
// the same error after the same amount of work, so neither answers nor timing reveal accounts.
import type { TokenIssuer, TokenResponse } from '@ordo/auth';
import { AppError, Errors } from '@ordo/errors';
import type { UserRepository } from '../data-access/user.repository.js';
import { tryNormalizeEmail } from '../domain/email.js';
import type { PasswordHasher } from './password-hasher.js';

export interface LogInDeps {
  users: UserRepository;
  passwords: PasswordHasher;
  tokens: TokenIssuer;
}

export async function logIn(deps: LogInDeps, input: { email: string; password: string }): Promise<TokenResponse> {
  const email = tryNormalizeEmail(input.email);
  const user = email === undefined ? undefined : await deps.users.findByEmail(email);
  const valid = user
    ? await deps.passwords.verify(user.passwordHash, input.password)
    : await deps.passwords.verifyDecoy(input.password);
  if (!user || !valid) throw new AppError(Errors.AUTH_INVALID_CREDENTIALS);
  return deps.tokens.issue({ userId: user.id, role: user.role });
}

// Login: email and password in, a session (access and refresh token) out. An unknown email and
// a wrong password give the same error after the same amount of work, so neither answers nor
// timing reveal accounts. While the account or the address is backing off, the password is not
// even checked.
import { AppError, Errors } from '@ordo/errors';
import type { UserRepository } from '../data-access/user.repository.js';
import { tryNormalizeEmail } from '../domain/email.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordHasher } from './password-hasher.js';
import { type SessionDeps, type SessionTokens, startSession } from './session.js';

export interface LogInDeps extends SessionDeps {
  users: UserRepository;
  passwords: PasswordHasher;
  throttle: LoginThrottle;
}

export async function logIn(
  deps: LogInDeps,
  input: { email: string; password: string; ip: string },
): Promise<SessionTokens> {
  const attempt = { email: input.email, ip: input.ip };
  await deps.throttle.check(attempt);
  const email = tryNormalizeEmail(input.email);
  const user = email === undefined ? undefined : await deps.users.findByEmail(email);
  const valid = user
    ? await deps.passwords.verify(user.passwordHash, input.password)
    : await deps.passwords.verifyDecoy(input.password);
  if (!user || !valid) {
    await deps.throttle.recordFailure(attempt);
    throw new AppError(Errors.AUTH_INVALID_CREDENTIALS);
  }
  await deps.throttle.recordSuccess(attempt);
  return startSession(deps, user);
}

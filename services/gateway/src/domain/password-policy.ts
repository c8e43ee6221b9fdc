// What a new password must satisfy. Length only (NIST SP 800-63B): composition rules make
// passwords worse, and breached-password screening is a later step.
import { normalizePassword } from '@ordo/auth';
import { AppError, Errors } from '@ordo/errors';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** Throws 400 `ORDO_ERR_AUTH_PASSWORD_POLICY` when the password is too short or too long (in code points, after NFKC). */
export function checkPasswordPolicy(password: string): void {
  const length = [...normalizePassword(password)].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    throw new AppError(Errors.AUTH_PASSWORD_POLICY, {
      details: { minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH },
    });
  }
}

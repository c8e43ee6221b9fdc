// Email addresses as account names: compared case-insensitively, stored in one normal form.
import { AppError, Errors } from '@ordo/errors';

export const EMAIL_MAX_LENGTH = 254; // RFC 5321's limit on a forward path
const LOCAL_PART_MAX_LENGTH = 64;

// Deliberately plain: one @, no spaces or control characters, a dotted domain. Deliverability
// is proven by a confirmation mail (a later step), not by a regex.
const EMAIL = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}.]+$/u;

/** The canonical form (trimmed, NFC, lower case), or undefined when `raw` is not a plausible address. */
export function tryNormalizeEmail(raw: string): string | undefined {
  const email = raw.trim().normalize('NFC').toLowerCase();
  if (email.length > EMAIL_MAX_LENGTH || !EMAIL.test(email)) return undefined;
  const local = email.slice(0, email.lastIndexOf('@'));
  if (local.length > LOCAL_PART_MAX_LENGTH) return undefined;
  return email;
}

/** The canonical form; 400 `ORDO_ERR_AUTH_INVALID_EMAIL` when `raw` is not a plausible address. */
export function normalizeEmail(raw: string): string {
  const email = tryNormalizeEmail(raw);
  if (email === undefined) throw new AppError(Errors.AUTH_INVALID_EMAIL);
  return email;
}

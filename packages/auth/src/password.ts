// Password hashing with argon2id. The hash string carries its own parameters and salt, so
// parameters can be raised later without breaking existing hashes.
import { type Algorithm, hash, verify } from '@node-rs/argon2';

// `Algorithm` is a const enum, which isolated modules cannot read; 2 is its `Argon2id`.
const ARGON2ID = 2 as Algorithm.Argon2id;

export interface PasswordHashParams {
  /** Memory in KiB. */
  memoryCost: number;
  /** Passes over memory. */
  timeCost: number;
  /** Lanes; 1 so one login never occupies both cores of a small box. */
  parallelism: number;
}

/**
 * OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): about 40-70 ms per hash on one core of
 * the 2-core reference box, and 19 MiB per concurrent login.
 */
export const DEFAULT_PASSWORD_HASH_PARAMS: Readonly<PasswordHashParams> = {
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

// The same password typed on different keyboards or input methods can arrive as different
// code points; NFKC makes them one (NIST SP 800-63B, 5.1.1.2).
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

export async function hashPassword(
  password: string,
  params: PasswordHashParams = DEFAULT_PASSWORD_HASH_PARAMS,
): Promise<string> {
  return hash(normalizePassword(password), { algorithm: ARGON2ID, ...params });
}

/**
 * True when `password` matches `passwordHash`. The comparison inside argon2's verify is
 * constant-time; the work (and so the time) depends on the hash's parameters, not on the input.
 */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, normalizePassword(password));
}

// Creates the accounts a demo or a fresh install needs (operators, couriers, restaurant staff,
// a demo customer). Idempotent: an email that already has an account is left as it is.
import type { Role } from '@ordo/auth';
import { DbDataKeyStore, FieldCipher, type FieldKeys } from '@ordo/crypto';
import type { Db } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import { UserRepository } from '../data-access/user.repository.js';
import { normalizeEmail } from '../domain/email.js';
import { checkPasswordPolicy } from '../domain/password-policy.js';
import { GATEWAY_SCHEMA } from '../gateway-schema.js';
import { createUser } from './create-user.use-case.js';
import { PasswordHasher } from './password-hasher.js';

export interface SeedUser {
  email: string;
  password: string;
  role: Role;
  name?: string;
}

export interface SeedUsersOptions {
  /** Default `gateway`. */
  schema?: string;
  passwords?: PasswordHasher;
  now?: () => Date;
  /**
   * Seals seeded emails and names and hashes the emails (purpose account, ADR 0023). Without it
   * (or `fieldKeys`) seeding is refused (ORDO_ERR_CRYPTO_NOT_ENTITLED): nothing is stored in clear.
   */
  cipher?: FieldCipher;
  /** The gateway's keys, for a caller that has no cipher: one is made over the schema's data keys. */
  fieldKeys?: FieldKeys;
}

export interface SeedUsersResult {
  /** Normalized emails of the accounts created by this call. */
  created: string[];
  /** Normalized emails that already had an account (left unchanged, whatever its role or password). */
  existing: string[];
  /** Every seeded account's id by normalized email (created or existing), to link profiles to. */
  ids: Record<string, string>;
}

export async function seedUsers(
  db: Db,
  users: readonly SeedUser[],
  options: SeedUsersOptions = {},
): Promise<SeedUsersResult> {
  const schema = options.schema ?? GATEWAY_SCHEMA;
  const keys = options.fieldKeys;
  const cipher =
    options.cipher ??
    (keys
      ? new FieldCipher({ keyring: keys.keyring, dataKeys: new DbDataKeyStore(db, schema, keys.keyring) })
      : FieldCipher.withoutKeys());
  const deps = {
    users: new UserRepository(db, schema, cipher),
    passwords: options.passwords ?? new PasswordHasher(),
    now: options.now ?? (() => new Date()),
  };
  const result: SeedUsersResult = { created: [], existing: [], ids: {} };
  for (const seed of users) {
    const email = normalizeEmail(seed.email);
    checkPasswordPolicy(seed.password);
    // Checked first so a re-run does not pay for a password hash per account.
    const found = await deps.users.findByEmail(email);
    if (found) {
      result.existing.push(email);
      result.ids[email] = found.id;
      continue;
    }
    try {
      const created = await createUser(deps, seed);
      result.created.push(created.email);
      result.ids[email] = created.id;
    } catch (error) {
      // Another process seeded the same account in between.
      if (!(error instanceof AppError) || error.code !== Errors.AUTH_EMAIL_TAKEN.code) throw error;
      result.existing.push(email);
      const raced = await deps.users.findByEmail(email);
      if (raced) result.ids[email] = raced.id;
    }
  }
  return result;
}

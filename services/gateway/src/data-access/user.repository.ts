// Users in the gateway's schema. The name and the email are personal data: stored sealed (ADR
// 0023, purpose account), opened on read. An account is found by its email through a keyed
// lookup hash (HMAC-SHA256 of the normalized email under the account purpose's lookup key),
// unique per table; the hash of every lookup key held is searched, so a rotation in progress
// loses nobody.
import type { Role } from '@ordo/auth';
import { type FieldCipher, type LookupKey, Purpose, SealedFields } from '@ordo/crypto';
import { type Db, ident, kysely, type SqlExecutor } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import type { Kysely } from 'kysely';
import { tryNormalizeEmail } from '../domain/email.js';
import type { User, UserWithCredential } from '../domain/user.js';

interface UsersTable {
  id: string;
  /** Clear, from before sealing (ADR 0023); null once sealed. Read only to seal it. */
  email: string | null;
  email_sealed: string | null;
  /** Hex HMAC of the normalized email; unique. */
  email_lookup: string | null;
  /** The id of the master key whose lookup key made `email_lookup`. */
  email_lookup_key: string | null;
  name: string | null;
  password_hash: string;
  role: Role;
  created_at: Date;
}

interface GatewayTables {
  users: UsersTable;
}

export interface NewUser {
  id: string;
  /** Normalized (see `normalizeEmail`). */
  email: string;
  name: string | null;
  passwordHash: string;
  role: Role;
  createdAt: Date;
}

type UserRow = Pick<UsersTable, 'id' | 'email' | 'email_sealed' | 'name' | 'role' | 'created_at'>;
const USER_COLUMNS = ['id', 'email', 'email_sealed', 'name', 'role', 'created_at'] as const;

/** What sealing the clear emails did: rows sealed, and those whose email another account has (sealed, unfindable). */
export interface EmailSealing {
  sealed: number;
  duplicates: string[];
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === '23505';
}

export class UserRepository {
  constructor(
    private readonly db: SqlExecutor,
    private readonly schema: string,
    protected readonly cipher: FieldCipher,
  ) {}

  private get table(): string {
    return `${ident(this.schema)}.users`;
  }

  private async toUser(row: UserRow): Promise<User> {
    const name = row.name === null ? null : await this.cipher.openOrPlain<string>(SealedFields.userName, row.name);
    // A row an older gateway wrote during an upgrade is clear until the next sealing pass.
    const email =
      row.email_sealed === null
        ? (row.email ?? '')
        : await this.cipher.open<string>(SealedFields.userEmail, row.email_sealed);
    return { id: row.id, email, name, role: row.role, createdAt: new Date(row.created_at) };
  }

  private query(): Kysely<GatewayTables> {
    return kysely<GatewayTables>(this.db).withSchema(this.schema);
  }

  /**
   * Inserts the user unless the email is taken; returns it, or undefined when taken. The email
   * counts as taken under any lookup key held (a row not yet re-computed after a rotation). The
   * hash is stored under the master key the current `account` data key is wrapped with, read
   * under a share lock on the data keys: a rotation (which locks them exclusively) waits for the
   * registrations in flight and they for it, so two racing registrations hash under one key and
   * the unique index settles them.
   */
  async insertIfEmailFree(user: NewUser): Promise<User | undefined> {
    // Sealed before any transaction opens (on PGlite a first data-key load inside one would wait forever).
    const sealedEmail = await this.cipher.seal(SealedFields.userEmail, user.email);
    const sealedName = user.name === null ? null : await this.cipher.seal(SealedFields.userName, user.name);
    const hashes = this.cipher.lookupHashes(SealedFields.userEmail, user.email);
    const row = await this.inTransaction(async (tx) => {
      const { rows: current } = await tx.query<{ kek_id: string }>(
        `SELECT kek_id FROM ${ident(this.schema)}.data_keys WHERE purpose = $1 AND retired_at IS NULL FOR SHARE`,
        [Purpose.Account],
      );
      const stored = hashes.find((h) => h.keyId === current[0]?.kek_id);
      if (!stored) {
        throw new AppError(Errors.CRYPTO_NOT_ENTITLED, {
          message: `this process holds no lookup key of master key ${current[0]?.kek_id ?? '(none)'} for 'account' data`,
          details: { purpose: Purpose.Account },
        });
      }
      const { rows } = await tx.query<UserRow>(
        `INSERT INTO ${this.table} (id, email_sealed, email_lookup, email_lookup_key, name, password_hash, role, created_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8
          WHERE NOT EXISTS (SELECT 1 FROM ${this.table} WHERE email_lookup = ANY (string_to_array($9, ',')))
         ON CONFLICT (email_lookup) DO NOTHING
         RETURNING ${USER_COLUMNS.join(', ')}`,
        [
          user.id,
          sealedEmail,
          stored.hash,
          stored.keyId,
          sealedName,
          user.passwordHash,
          user.role,
          user.createdAt,
          hashes.map((h) => h.hash).join(','),
        ],
      );
      return rows[0];
    });
    return row ? this.toUser(row) : undefined;
  }

  /** `fn` in a transaction: a new one on a database, the caller's when given one. */
  private inTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const db = this.db as Partial<Db>;
    return typeof db.transaction === 'function' ? db.transaction(fn) : fn(this.db);
  }

  /** The account of a normalized email, found by its lookup hash under any key this process holds. */
  async findByEmail(email: string): Promise<UserWithCredential | undefined> {
    const hashes = this.cipher.lookupHashes(SealedFields.userEmail, email).map((h) => h.hash);
    const row = await this.query()
      .selectFrom('users')
      .select([...USER_COLUMNS, 'password_hash'])
      .where('email_lookup', 'in', hashes)
      .executeTakeFirst();
    return row ? { ...(await this.toUser(row)), passwordHash: row.password_hash } : undefined;
  }

  async findById(id: string): Promise<User | undefined> {
    const row = await this.query().selectFrom('users').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row ? this.toUser(row) : undefined;
  }

  /**
   * Seals up to `limit` emails stored in clear (rows from before sealing, or written by an older
   * replica during an upgrade) and fills their lookup hashes; the clear value is set to NULL in
   * the same UPDATE. A clear email that another account already has is sealed without a hash
   * (nobody can log in to the duplicate, and its address is no longer in clear); its id is
   * returned for the operator.
   */
  async sealClearEmails(limit = 200): Promise<EmailSealing> {
    const result: EmailSealing = { sealed: 0, duplicates: [] };
    const { rows } = await this.db.query<{ id: string; email: string }>(
      `SELECT id, email FROM ${this.table} WHERE email IS NOT NULL ORDER BY id LIMIT $1`,
      [limit],
    );
    for (const row of rows) {
      const email = tryNormalizeEmail(row.email) ?? row.email.trim().toLowerCase();
      const sealed = await this.cipher.seal(SealedFields.userEmail, email);
      const stored = await this.cipher.lookupHashToStore(SealedFields.userEmail, email);
      const all = this.cipher.lookupHashes(SealedFields.userEmail, email).map((h) => h.hash);
      const updated = await this.db
        .query(
          `UPDATE ${this.table} SET email_sealed = $2, email_lookup = $3, email_lookup_key = $4, email = NULL
            WHERE id = $1 AND email IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM ${this.table} WHERE email_lookup = ANY (string_to_array($5, ',')) AND id <> $1)`,
          [row.id, sealed, stored.hash, stored.keyId, all.join(',')],
        )
        .then((r) => r.rowCount ?? 0)
        .catch((error: unknown) => {
          if (isUniqueViolation(error)) return 0;
          throw error;
        });
      if (updated > 0) {
        result.sealed++;
        continue;
      }
      const duplicate = await this.db.query(
        `UPDATE ${this.table} SET email_sealed = $2, email = NULL WHERE id = $1 AND email IS NOT NULL`,
        [row.id, sealed],
      );
      if ((duplicate.rowCount ?? 0) > 0) {
        result.sealed++;
        result.duplicates.push(row.id);
      }
    }
    return result;
  }

  /**
   * Re-computes, in batches of `batchSize`, every lookup hash not made with `key` (after a master
   * key rotation): the sealed email is opened (its data key was re-wrapped, so the old master key
   * is not needed) and hashed again. Returns how many rows changed.
   */
  async recomputeEmailLookups(key: LookupKey, batchSize = 200): Promise<number> {
    let changed = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const { rows } = await this.db.query<{ id: string; email_sealed: string; email_lookup_key: string }>(
        `SELECT id, email_sealed, email_lookup_key FROM ${this.table}
          WHERE (email_lookup_key < $1 OR email_lookup_key > $1) AND id > $2 ORDER BY id LIMIT $3`,
        [key.id, after, batchSize],
      );
      for (const row of rows) {
        const email = await this.cipher.open<string>(SealedFields.userEmail, row.email_sealed);
        const { hash } = this.cipher.lookupHashWith(key, SealedFields.userEmail, email);
        const updated = await this.db
          .query(
            `UPDATE ${this.table} SET email_lookup = $2, email_lookup_key = $3 WHERE id = $1 AND email_lookup_key = $4`,
            [row.id, hash, key.id, row.email_lookup_key],
          )
          .then((r) => r.rowCount ?? 0)
          // Another account has this email under the new key (two registrations that raced a
          // rotation): this row keeps its old hash, found as long as that key is held.
          .catch((error: unknown) => {
            if (isUniqueViolation(error)) return 0;
            throw error;
          });
        changed += updated;
      }
      if (rows.length < batchSize) return changed;
      after = rows[rows.length - 1]!.id;
    }
  }
}

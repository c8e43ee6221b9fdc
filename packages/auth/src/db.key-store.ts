// A KeyStore on the owning service's database: the first process to start creates the key
// pair, every later one (and every concurrent one) reads it. `rotate` makes a new key current;
// retired keys stay published until every token they signed has expired, then are dropped.
// With a cipher the private half is stored sealed (ADR 0023, purpose signing); keys stored in
// clear before are read as they are and sealed by `sealStoredKeys`.
import { type FieldCipher, SealedFields } from '@ordo/crypto';
import { type Db, ident } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import type { JSONWebKeySet, JWK } from 'jose';
import type { RotatableKeyStore, SigningKey, SigningKeyRotation } from './key-store.port.js';
import { generateStoredKeyPair, toPublishedJwk, toSigningKey } from './signing-key.js';
import { DEFAULT_ACCESS_TOKEN_TTL_SECONDS } from './token-issuer.js';

interface KeyRow {
  kid: string;
  public_jwk: JWK;
  /** Sealed (a JSON string) when the store has a cipher; a JWK object when stored in clear. */
  private_jwk: JWK | string;
}

export interface DbKeyStoreOptions {
  /**
   * How long a process signs with the key it loaded before reading the current one again
   * (default 60 s): how soon a rotation done elsewhere (another replica, `ordo keys rotate`)
   * reaches this process.
   */
  currentKeyMaxAgeMs?: number;
  /**
   * How long a retired key stays in the JWKS (default: the default access-token TTL plus two
   * minutes). Must cover the access-token TTL plus `currentKeyMaxAgeMs`, since a replica may
   * sign with the old key that long after the rotation.
   */
  retiredKeyRetentionSeconds?: number;
  now?: () => Date;
  /** Seals the private keys it stores, opens the ones it reads (the gateway always passes one). */
  cipher?: FieldCipher;
}

export const DEFAULT_CURRENT_KEY_MAX_AGE_MS = 60_000;

export class DbKeyStore implements RotatableKeyStore {
  private readonly table: string;
  private readonly now: () => Date;
  private readonly maxAgeMs: number;
  private readonly retentionMs: number;
  private readonly cipher: FieldCipher | undefined;
  private current: { key: Promise<SigningKey>; loadedAt: number } | undefined;

  /** `schema` must hold `authKeyMigrations`. Nothing is read until the first call. */
  constructor(
    private readonly db: Db,
    schema: string,
    options: DbKeyStoreOptions = {},
  ) {
    this.table = `${ident(schema)}.signing_keys`;
    this.now = options.now ?? (() => new Date());
    this.maxAgeMs = options.currentKeyMaxAgeMs ?? DEFAULT_CURRENT_KEY_MAX_AGE_MS;
    this.retentionMs = (options.retiredKeyRetentionSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS + 120) * 1000;
    this.cipher = options.cipher;
  }

  /** Seals private keys stored in clear (before ADR 0023); returns how many. Needs the cipher. */
  async sealStoredKeys(): Promise<number> {
    const { cipher } = this;
    if (!cipher) return 0;
    const { rows } = await this.db.query<{ kid: string; private_jwk: JWK }>(
      `SELECT kid, private_jwk FROM ${this.table} WHERE jsonb_typeof(private_jwk) = 'object'`,
    );
    for (const row of rows) {
      const sealed = await cipher.seal(SealedFields.tokenSigningKey, row.private_jwk);
      await this.db.query(
        `UPDATE ${this.table} SET private_jwk = $2::jsonb WHERE kid = $1 AND jsonb_typeof(private_jwk) = 'object'`,
        [row.kid, JSON.stringify(sealed)],
      );
    }
    return rows.length;
  }

  private async stored(privateJwk: JWK): Promise<string> {
    return JSON.stringify(this.cipher ? await this.cipher.seal(SealedFields.tokenSigningKey, privateJwk) : privateJwk);
  }

  private async opened(privateJwk: JWK | string): Promise<JWK> {
    if (typeof privateJwk !== 'string') return privateJwk;
    if (!this.cipher) throw new Error(`the signing keys in ${this.table} are sealed: this store needs the cipher`);
    return this.cipher.open<JWK>(SealedFields.tokenSigningKey, privateJwk);
  }

  signingKey(): Promise<SigningKey> {
    const cached = this.current;
    const now = this.now().getTime();
    if (cached && now - cached.loadedAt < this.maxAgeMs) return cached.key;
    const loading = this.loadOrCreate().catch((cause: unknown) => {
      // Keep signing with the key we had rather than failing logins while the database
      // hiccups; a later call tries to reload.
      if (cached) return cached.key;
      if (this.current?.key === loading) this.current = undefined;
      throw new AppError(Errors.AUTH_KEYS_UNAVAILABLE, { message: 'cannot load or create the signing key', cause });
    });
    this.current = { key: loading, loadedAt: now };
    return loading;
  }

  async publicKeys(): Promise<JSONWebKeySet> {
    const { rows } = await this.db.query<Pick<KeyRow, 'kid' | 'public_jwk'>>(
      `SELECT kid, public_jwk FROM ${this.table} WHERE retired_at IS NULL OR retired_at > $1 ORDER BY created_at`,
      [this.retentionHorizon()],
    );
    return { keys: rows.map((r) => toPublishedJwk({ kid: r.kid, publicJwk: r.public_jwk })) };
  }

  async rotate(): Promise<SigningKeyRotation> {
    const generated = await generateStoredKeyPair();
    const privateJwk = await this.stored(generated.privateJwk);
    const now = this.now();
    const result = await this.db.transaction(async (tx) => {
      // Rotations (from two operators, or the CLI and an endpoint) run one after the other;
      // readers (ACCESS SHARE) are not blocked.
      await tx.query(`LOCK TABLE ${this.table} IN EXCLUSIVE MODE`);
      const retired = await tx.query<{ kid: string }>(
        `UPDATE ${this.table} SET retired_at = $1 WHERE retired_at IS NULL RETURNING kid`,
        [now],
      );
      const dropped = await tx.query<{ kid: string }>(
        `DELETE FROM ${this.table} WHERE retired_at IS NOT NULL AND retired_at <= $1 RETURNING kid`,
        [this.retentionHorizon()],
      );
      await tx.query(
        `INSERT INTO ${this.table} (kid, alg, public_jwk, private_jwk) VALUES ($1, $2, $3::jsonb, $4::jsonb)`,
        [generated.kid, generated.alg, JSON.stringify(generated.publicJwk), privateJwk],
      );
      return { kid: generated.kid, retired: retired.rows.map((r) => r.kid), dropped: dropped.rows.map((r) => r.kid) };
    });
    this.current = { key: toSigningKey(generated), loadedAt: this.now().getTime() };
    return result;
  }

  private retentionHorizon(): Date {
    return new Date(this.now().getTime() - this.retentionMs);
  }

  private async loadOrCreate(): Promise<SigningKey> {
    const existing = await this.active();
    if (existing) return existing;
    // Insert-if-absent, then read: when two processes get here at once, the unique index lets
    // one insert through and the other's insert does nothing; both then read the same row.
    const generated = await generateStoredKeyPair();
    await this.db.query(
      `INSERT INTO ${this.table} (kid, alg, public_jwk, private_jwk)
       VALUES ($1, $2, $3::jsonb, $4::jsonb) ON CONFLICT DO NOTHING`,
      [generated.kid, generated.alg, JSON.stringify(generated.publicJwk), await this.stored(generated.privateJwk)],
    );
    const key = await this.active();
    if (!key) throw new Error(`no active signing key in ${this.table} right after inserting one`);
    return key;
  }

  private async active(): Promise<SigningKey | undefined> {
    const { rows } = await this.db.query<KeyRow>(
      `SELECT kid, public_jwk, private_jwk FROM ${this.table} WHERE retired_at IS NULL`,
    );
    const row = rows[0];
    return row ? toSigningKey({ kid: row.kid, privateJwk: await this.opened(row.private_jwk) }) : undefined;
  }
}

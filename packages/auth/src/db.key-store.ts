// A KeyStore on the owning service's database: the first process to start creates the key
// pair, every later one (and every concurrent one) reads it.
import { type Db, ident } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import type { JSONWebKeySet, JWK } from 'jose';
import type { KeyStore, SigningKey } from './key-store.port.js';
import { generateStoredKeyPair, toPublishedJwk, toSigningKey } from './signing-key.js';

interface KeyRow {
  kid: string;
  public_jwk: JWK;
  private_jwk: JWK;
}

export class DbKeyStore implements KeyStore {
  private readonly table: string;
  private current: Promise<SigningKey> | undefined;

  /** `schema` must hold `authKeyMigrations`. Nothing is read until the first call. */
  constructor(
    private readonly db: Db,
    schema: string,
  ) {
    this.table = `${ident(schema)}.signing_keys`;
  }

  signingKey(): Promise<SigningKey> {
    this.current ??= this.loadOrCreate().catch((cause: unknown) => {
      this.current = undefined; // the next call tries again
      throw new AppError(Errors.AUTH_KEYS_UNAVAILABLE, { message: 'cannot load or create the signing key', cause });
    });
    return this.current;
  }

  async publicKeys(): Promise<JSONWebKeySet> {
    const { rows } = await this.db.query<Pick<KeyRow, 'kid' | 'public_jwk'>>(
      `SELECT kid, public_jwk FROM ${this.table} WHERE retired_at IS NULL ORDER BY created_at`,
    );
    return { keys: rows.map((r) => toPublishedJwk({ kid: r.kid, publicJwk: r.public_jwk })) };
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
      [generated.kid, generated.alg, JSON.stringify(generated.publicJwk), JSON.stringify(generated.privateJwk)],
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
    return row ? toSigningKey({ kid: row.kid, privateJwk: row.private_jwk }) : undefined;
  }
}

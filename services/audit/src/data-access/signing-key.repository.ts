// The Ed25519 key that signs checkpoints: made at first start, then read. Replicas starting
// together race for one fixed id; the loser reads the winner's key. The private key is stored
// sealed (ADR 0023, purpose signing); one stored in clear before sealing is still read (the table
// is append-only, so it is not rewritten: rotate the audit key to retire it).
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { type FieldCipher, isSealed, SealedFields } from '@ordo/crypto';
import { ident, type SqlExecutor } from '@ordo/db';
import { publicKeyFromBase64 } from '../domain/checkpoint.js';

export interface AuditSigningKey {
  readonly id: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** SPKI DER, base64: what operators pin and pass to `ordo audit verify --public-key`. */
  readonly publicKeyBase64: string;
}

const FIRST_KEY_ID = 'audit-key-1';

export class SigningKeyRepository {
  private readonly table: string;

  /** `cipher` seals and opens the private key; verification (public key only) needs none. */
  constructor(
    schema: string,
    private readonly cipher?: FieldCipher,
  ) {
    this.table = `${ident(schema)}.audit_signing_keys`;
  }

  private requireCipher(): FieldCipher {
    if (!this.cipher) throw new Error('the audit signing key repository needs a cipher for the private key');
    return this.cipher;
  }

  async loadOrCreate(db: SqlExecutor, now: Date): Promise<AuditSigningKey> {
    const existing = await this.current(db);
    if (existing) return existing;
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    await db.query(
      `INSERT INTO ${this.table} (id, public_key, private_key, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO NOTHING`,
      [
        FIRST_KEY_ID,
        publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
        await this.requireCipher().seal(
          SealedFields.auditSigningKey,
          privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
        ),
        now,
      ],
    );
    const created = await this.current(db);
    if (!created) throw new Error('the audit signing key could not be stored');
    return created;
  }

  /** The public key only: what verification needs. */
  async publicKey(db: SqlExecutor): Promise<{ id: string; key: KeyObject; base64: string } | undefined> {
    const { rows } = await db.query<{ id: string; public_key: string }>(
      `SELECT id, public_key FROM ${this.table} ORDER BY created_at DESC, id DESC LIMIT 1`,
    );
    const [row] = rows;
    return row ? { id: row.id, key: publicKeyFromBase64(row.public_key), base64: row.public_key } : undefined;
  }

  private async current(db: SqlExecutor): Promise<AuditSigningKey | undefined> {
    const { rows } = await db.query<{ id: string; public_key: string; private_key: string }>(
      `SELECT id, public_key, private_key FROM ${this.table} ORDER BY created_at DESC, id DESC LIMIT 1`,
    );
    const [row] = rows;
    if (!row) return undefined;
    const der = isSealed(row.private_key)
      ? await this.requireCipher().open<string>(SealedFields.auditSigningKey, row.private_key)
      : row.private_key;
    const privateKey = createPrivateKey({ key: Buffer.from(der, 'base64'), format: 'der', type: 'pkcs8' });
    return { id: row.id, privateKey, publicKey: createPublicKey(privateKey), publicKeyBase64: row.public_key };
  }
}

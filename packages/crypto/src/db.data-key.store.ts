// Data keys in the owning service's database, one table per schema. The first process to need a
// purpose's key creates it, every other one reads it; a process seals with the key it loaded for
// at most `currentKeyMaxAgeMs`, so a rotation elsewhere (another replica, `ordo keys rotate`)
// reaches it within that age. Old data keys are never deleted: values sealed with them stay
// readable. `rotate` makes new keys current and re-wraps every stored key under the current KEK.
import { type Db, ident, type Migration } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import {
  type DataKey,
  type DataKeySource,
  newDataKey,
  unwrapDataKey,
  type WrappedDataKey,
  wrapDataKey,
} from './data-key.js';
import type { Keyring } from './master-keys.js';
import type { Purpose } from './purposes.js';

export const dataKeyMigrations: readonly Migration[] = [
  {
    id: 'crypto_0001_data_keys',
    sql: `
      CREATE TABLE {{schema}}.data_keys (
        id text PRIMARY KEY,
        purpose text NOT NULL,
        -- The KEK (its master key's id) the key is wrapped with now; rotation re-wraps.
        kek_id text NOT NULL,
        wrapped text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz
      );
      -- One current key per purpose: processes starting at once race on it, losers read the winner's.
      CREATE UNIQUE INDEX data_keys_one_current ON {{schema}}.data_keys (purpose) WHERE retired_at IS NULL;
    `,
  },
];

export const DEFAULT_DATA_KEY_MAX_AGE_MS = 60_000;

export interface DataKeyRotation {
  /** The new current data key per purpose. */
  current: Record<string, string>;
  /** How many stored data keys were re-wrapped under the current master key. */
  rewrapped: number;
  /** Stored data keys that no KEK of this keyring unwraps (their master key is not configured). */
  unreadable: string[];
}

interface Row {
  id: string;
  purpose: Purpose;
  kek_id: string;
  wrapped: string;
}

export class DbDataKeyStore implements DataKeySource {
  private readonly table: string;
  private readonly maxAgeMs: number;
  private readonly current_ = new Map<Purpose, { key: Promise<DataKey>; loadedAt: number }>();
  private readonly refreshing = new Set<Purpose>();

  /** `schema` must hold `dataKeyMigrations`. Nothing is read until the first call. */
  constructor(
    private readonly db: Db,
    schema: string,
    private readonly keyring: Keyring,
    options: { currentKeyMaxAgeMs?: number } = {},
  ) {
    this.table = `${ident(schema)}.data_keys`;
    this.maxAgeMs = options.currentKeyMaxAgeMs ?? DEFAULT_DATA_KEY_MAX_AGE_MS;
  }

  /**
   * The current key. Past its age the cached key is still returned while a fresh one loads in the
   * background: a caller inside a transaction never waits on another statement (on PGlite, one
   * connection, that wait would never end). Only the very first call of a purpose reads at once.
   */
  current(purpose: Purpose): Promise<DataKey> {
    const cached = this.current_.get(purpose);
    if (!cached) {
      const loading = this.loadOrCreate(purpose).catch((cause: unknown) => {
        if (this.current_.get(purpose)?.key === loading) this.current_.delete(purpose);
        throw new AppError(Errors.CRYPTO_KEYS_UNAVAILABLE, { message: `cannot load the '${purpose}' data key`, cause });
      });
      this.current_.set(purpose, { key: loading, loadedAt: Date.now() });
      return loading;
    }
    if (Date.now() - cached.loadedAt >= this.maxAgeMs && !this.refreshing.has(purpose)) {
      this.refreshing.add(purpose);
      // Keep sealing with the key we had while the database hiccups; the next call tries again.
      this.loadOrCreate(purpose)
        .then((key) => this.current_.set(purpose, { key: Promise.resolve(key), loadedAt: Date.now() }))
        .catch(() => undefined)
        .finally(() => this.refreshing.delete(purpose));
    }
    return cached.key;
  }

  async find(purpose: Purpose, id: string): Promise<WrappedDataKey | undefined> {
    const { rows } = await this.db.query<Row>(
      `SELECT id, purpose, kek_id, wrapped FROM ${this.table} WHERE id = $1 AND purpose = $2`,
      [id, purpose],
    );
    const row = rows[0];
    return row ? { id: row.id, purpose: row.purpose, kekId: row.kek_id, wrapped: row.wrapped } : undefined;
  }

  /**
   * New data keys become current for every purpose of the keyring, and every stored key of those
   * purposes not wrapped under the current master key is re-wrapped. One transaction: readers are
   * never blocked, and a value sealed a moment before still opens (its key is kept).
   */
  async rotate(): Promise<DataKeyRotation> {
    const report: DataKeyRotation = { current: {}, rewrapped: 0, unreadable: [] };
    await this.db.transaction(async (tx) => {
      await tx.query(`LOCK TABLE ${this.table} IN EXCLUSIVE MODE`);
      for (const purpose of this.keyring.purposes) {
        const kek = this.keyring.current(purpose);
        if (!kek) continue;
        const { rows } = await tx.query<Row>(
          `SELECT id, purpose, kek_id, wrapped FROM ${this.table} WHERE purpose = $1 AND kek_id <> $2`,
          [purpose, kek.id],
        );
        for (const row of rows) {
          const old = this.keyring.find(purpose, row.kek_id);
          if (!old) {
            report.unreadable.push(row.id);
            continue;
          }
          const key = unwrapDataKey(old, row.id, row.wrapped);
          await tx.query(`UPDATE ${this.table} SET kek_id = $2, wrapped = $3 WHERE id = $1`, [
            row.id,
            kek.id,
            wrapDataKey(kek, row.id, key),
          ]);
          report.rewrapped++;
        }
        await tx.query(`UPDATE ${this.table} SET retired_at = now() WHERE purpose = $1 AND retired_at IS NULL`, [
          purpose,
        ]);
        const fresh = newDataKey(kek);
        await tx.query(`INSERT INTO ${this.table} (id, purpose, kek_id, wrapped) VALUES ($1, $2, $3, $4)`, [
          fresh.id,
          purpose,
          fresh.kekId,
          fresh.wrapped,
        ]);
        report.current[purpose] = fresh.id;
      }
    });
    this.current_.clear();
    return report;
  }

  private async loadOrCreate(purpose: Purpose): Promise<DataKey> {
    const existing = await this.active(purpose);
    if (existing) return existing;
    const kek = this.keyring.current(purpose);
    if (!kek) throw new Error(`no key-encryption key for '${purpose}'`);
    const fresh = newDataKey(kek);
    await this.db.query(
      `INSERT INTO ${this.table} (id, purpose, kek_id, wrapped) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [fresh.id, purpose, fresh.kekId, fresh.wrapped],
    );
    const key = await this.active(purpose);
    if (!key) throw new Error(`no current '${purpose}' data key in ${this.table} right after inserting one`);
    return key;
  }

  private async active(purpose: Purpose): Promise<DataKey | undefined> {
    const { rows } = await this.db.query<Row>(
      `SELECT id, purpose, kek_id, wrapped FROM ${this.table} WHERE purpose = $1 AND retired_at IS NULL`,
      [purpose],
    );
    const row = rows[0];
    if (!row) return undefined;
    const kek = this.keyring.find(purpose, row.kek_id);
    if (!kek) {
      throw new Error(
        `the current '${purpose}' data key is wrapped under master key ${row.kek_id}, which is not configured`,
      );
    }
    return {
      id: row.id,
      purpose,
      kekId: row.kek_id,
      wrapped: row.wrapped,
      key: unwrapDataKey(kek, row.id, row.wrapped),
    };
  }
}

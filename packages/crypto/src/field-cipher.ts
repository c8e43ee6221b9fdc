// Seals and opens personal fields: AES-256-GCM under a data key, a random nonce per value, the
// field bound as additional data. A process holds only its purposes' KEKs (the keyring): asked
// for another purpose it throws ORDO_ERR_CRYPTO_NOT_ENTITLED, never returns the plaintext.
import { createHmac } from 'node:crypto';
import { AppError, Errors } from '@ordo/errors';
import { decrypt, encrypt } from './aead.js';
import { type DataKeySource, unwrapDataKey } from './data-key.js';
import { Keyring, type LookupKey } from './master-keys.js';
import type { Purpose, SealedField } from './purposes.js';
import { formatSealed, parseSealed } from './sealed-value.js';

const MAX_CACHED_DATA_KEYS = 1024;

export interface FieldCipherOptions {
  keyring: Keyring;
  dataKeys: DataKeySource;
  /** Called for every value that fails to open (the count is also in `openFailures`). */
  onOpenFailure?: (error: AppError) => void;
}

/** A keyed lookup hash of a value: HMAC-SHA256 (hex) under the lookup key named by `keyId`. */
export interface LookupHash {
  /** The id of the master key whose lookup key made `hash`. */
  readonly keyId: string;
  readonly hash: string;
}

function lookupHash(key: LookupKey, field: SealedField, value: string): LookupHash {
  // The field is part of the message: the same value hashes differently in another field.
  const hash = createHmac('sha256', key.key).update(`ordo1|${field.name}|${value}`).digest('hex');
  return { keyId: key.id, hash };
}

function fieldAad(field: SealedField, dataKeyId: string): string {
  return `ordo1|${field.purpose}|${field.name}|${dataKeyId}`;
}

export class FieldCipher {
  private readonly keyring: Keyring;
  private readonly dataKeys: DataKeySource;
  private readonly onOpenFailure: ((error: AppError) => void) | undefined;
  /** Unwrapped data keys by `<kek id>.<data key id>`, oldest first (a small LRU). */
  private readonly unwrapped = new Map<string, Buffer>();
  private failures = 0;

  constructor(options: FieldCipherOptions) {
    this.keyring = options.keyring;
    this.dataKeys = options.dataKeys;
    this.onOpenFailure = options.onOpenFailure;
  }

  /** A cipher that holds no key: every seal and open fails with ORDO_ERR_CRYPTO_NOT_ENTITLED. */
  static withoutKeys(): FieldCipher {
    const none = async (): Promise<never> => {
      throw new Error('no data keys without a keyring');
    };
    return new FieldCipher({ keyring: Keyring.empty(), dataKeys: { current: none, find: none } });
  }

  /** How many values failed to open since start: a healthy deployment keeps it at zero. */
  get openFailures(): number {
    return this.failures;
  }

  /** The purposes this process holds. */
  get purposes(): Purpose[] {
    return this.keyring.purposes;
  }

  /** Whether this process holds the key of `field`'s purpose. */
  holds(field: SealedField): boolean {
    return this.keyring.has(field.purpose);
  }

  /** Loads the current data keys of `purposes` now: a process does it at start, before any transaction. */
  async prepare(...purposes: Purpose[]): Promise<void> {
    for (const purpose of purposes) {
      this.assertEntitled(purpose);
      await this.dataKeys.current(purpose);
    }
  }

  /** `value` (any JSON value) as a sealed string. */
  async seal(field: SealedField, value: unknown): Promise<string> {
    this.assertEntitled(field.purpose);
    const dataKey = await this.dataKeys.current(field.purpose);
    const plaintext = Buffer.from(JSON.stringify(value));
    return formatSealed({
      purpose: field.purpose,
      kekId: dataKey.kekId,
      dataKeyId: dataKey.id,
      wrappedKey: dataKey.wrapped,
      ciphertext: encrypt(dataKey.key, plaintext, fieldAad(field, dataKey.id)),
    });
  }

  /** The value sealed in `sealed`; throws ORDO_ERR_CRYPTO_OPEN_FAILED when it cannot be opened here. */
  async open<T = unknown>(field: SealedField, sealed: string): Promise<T> {
    this.assertEntitled(field.purpose);
    const parts = parseSealed(sealed);
    if (!parts) throw this.failed(field, 'malformed');
    if (parts.purpose !== field.purpose) throw this.failed(field, 'wrong-purpose');
    const key = await this.dataKey(parts.purpose, parts.kekId, parts.dataKeyId, parts.wrappedKey).catch(
      () => undefined,
    );
    if (!key) throw this.failed(field, 'unknown-key');
    try {
      return JSON.parse(decrypt(key, parts.ciphertext, fieldAad(field, parts.dataKeyId)).toString()) as T;
    } catch (cause) {
      throw this.failed(field, 'tampered-or-moved', cause);
    }
  }

  /** Opens `sealed` when it is sealed, passes anything else through: for rows written before sealing. */
  async openOrPlain<T>(field: SealedField, value: string | T): Promise<T> {
    return typeof value === 'string' && parseSealed(value) ? this.open<T>(field, value) : (value as T);
  }

  /**
   * `value`'s lookup hash under every lookup key of `field`'s purpose this process holds, current
   * first: what a lookup searches for, so rows hashed under a previous master key are still found.
   */
  lookupHashes(field: SealedField, value: string): LookupHash[] {
    const keys = this.keyring.lookupKeys(field.purpose);
    if (keys.length === 0) throw this.notEntitled(field.purpose, 'lookup key');
    return keys.map((key) => lookupHash(key, field, value));
  }

  /**
   * `value`'s lookup hash to store: under the master key the purpose's current data key is wrapped
   * with. So stored hashes switch keys when data keys do (at `ordo keys rotate`), not when one
   * replica restarts with a new master key while others still run with the old one only.
   */
  async lookupHashToStore(field: SealedField, value: string): Promise<LookupHash> {
    const key = await this.lookupKeyInUse(field.purpose);
    return lookupHash(key, field, value);
  }

  /** The lookup key stored hashes of `purpose` are made with now (see `lookupHashToStore`). */
  async lookupKeyInUse(purpose: Purpose): Promise<LookupKey> {
    this.assertEntitled(purpose);
    const { kekId } = await this.dataKeys.current(purpose);
    const key = this.keyring.lookupKeys(purpose).find((k) => k.id === kekId);
    if (!key) throw this.notEntitled(purpose, `lookup key of master key ${kekId}`);
    return key;
  }

  /** `value`'s lookup hash under `key`: for re-computing stored hashes after a rotation. */
  lookupHashWith(key: LookupKey, field: SealedField, value: string): LookupHash {
    if (key.purpose !== field.purpose) throw this.notEntitled(field.purpose, 'lookup key');
    return lookupHash(key, field, value);
  }

  /** The current lookup key of `purpose` (the current master key's), if this process holds one. */
  currentLookupKey(purpose: Purpose): LookupKey | undefined {
    return this.keyring.lookupKeys(purpose)[0];
  }

  private notEntitled(purpose: Purpose, what: string): AppError {
    return new AppError(Errors.CRYPTO_NOT_ENTITLED, {
      message: `this process holds no ${what} for '${purpose}' data`,
      details: { purpose },
    });
  }

  private assertEntitled(purpose: Purpose): void {
    if (!this.keyring.has(purpose)) {
      throw new AppError(Errors.CRYPTO_NOT_ENTITLED, {
        message: `this process holds no key for '${purpose}' data`,
        details: { purpose },
      });
    }
  }

  private async dataKey(purpose: Purpose, kekId: string, id: string, wrapped: string): Promise<Buffer | undefined> {
    const cacheKey = `${kekId}.${id}`;
    const cached = this.unwrapped.get(cacheKey);
    if (cached) {
      this.unwrapped.delete(cacheKey);
      this.unwrapped.set(cacheKey, cached);
      return cached;
    }
    let key: Buffer | undefined;
    const kek = this.keyring.find(purpose, kekId);
    if (kek) {
      key = unwrapDataKey(kek, id, wrapped);
    } else {
      // Wrapped under a master key this process no longer holds: the store may have re-wrapped it.
      const stored = await this.dataKeys.find(purpose, id);
      const storedKek = stored && this.keyring.find(purpose, stored.kekId);
      if (stored && storedKek) key = unwrapDataKey(storedKek, id, stored.wrapped);
    }
    if (!key) return undefined;
    this.unwrapped.set(cacheKey, key);
    if (this.unwrapped.size > MAX_CACHED_DATA_KEYS) {
      this.unwrapped.delete(this.unwrapped.keys().next().value as string);
    }
    return key;
  }

  private failed(field: SealedField, reason: string, cause?: unknown): AppError {
    this.failures++;
    const error = new AppError(Errors.CRYPTO_OPEN_FAILED, {
      message: `a sealed ${field.name} value could not be opened (${reason})`,
      details: { field: field.name, reason },
      cause,
    });
    this.onOpenFailure?.(error);
    return error;
  }
}

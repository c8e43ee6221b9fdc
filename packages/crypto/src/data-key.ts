// Data keys: random 256-bit AES keys that encrypt the values, each wrapped (AES-256-GCM) by its
// purpose's KEK. Where they come from is a small port: the database store issues and rotates them.
import { randomBytes } from 'node:crypto';
import { decrypt, encrypt } from './aead.js';
import type { KeyEncryptionKey } from './master-keys.js';
import type { Purpose } from './purposes.js';

export interface DataKey {
  readonly id: string;
  readonly purpose: Purpose;
  /** The id of the KEK (its master key's id) that `wrapped` is wrapped with. */
  readonly kekId: string;
  readonly wrapped: string;
  readonly key: Buffer;
}

/** A data key as stored: wrapped only. */
export type WrappedDataKey = Omit<DataKey, 'key'>;

export interface DataKeySource {
  /** The data key new values of `purpose` are sealed with. */
  current(purpose: Purpose): Promise<DataKey>;
  /** A stored data key by id (its latest wrapping), for values whose own wrapping is under a retired master key. */
  find(purpose: Purpose, id: string): Promise<WrappedDataKey | undefined>;
}

function wrapAad(purpose: Purpose, id: string): string {
  return `ordo1|data-key|${purpose}|${id}`;
}

export function newDataKey(kek: KeyEncryptionKey): DataKey {
  const id = randomBytes(8).toString('hex');
  const key = randomBytes(32);
  return { id, purpose: kek.purpose, kekId: kek.id, wrapped: wrapDataKey(kek, id, key), key };
}

export function wrapDataKey(kek: KeyEncryptionKey, id: string, key: Buffer): string {
  return encrypt(kek.key, key, wrapAad(kek.purpose, id));
}

/** Throws when `kek` is not the key `wrapped` was wrapped with, or the wrapping was altered. */
export function unwrapDataKey(kek: KeyEncryptionKey, id: string, wrapped: string): Buffer {
  return decrypt(kek.key, wrapped, wrapAad(kek.purpose, id));
}

// Field encryption (ADR 0023): AES-256-GCM envelopes for personal fields and stored private keys.
export type { DataKey, DataKeySource, WrappedDataKey } from './data-key.js';
export {
  type DataKeyRotation,
  DbDataKeyStore,
  DEFAULT_DATA_KEY_MAX_AGE_MS,
  dataKeyMigrations,
} from './db.data-key.store.js';
export { DEV_MASTER_KEY_FILE, loadOrCreateDevMasterKey } from './dev-master-key.js';
export { FieldCipher, type FieldCipherOptions, type LookupHash } from './field-cipher.js';
export {
  deriveKek,
  deriveLookupKey,
  type FieldKeys,
  generateMasterKey,
  type KeyEncryptionKey,
  Keyring,
  keyId,
  type LookupKey,
  type MasterKey,
  parseMasterKey,
  parseMasterKeys,
} from './master-keys.js';
export {
  ALL_PURPOSES,
  ENTITLEMENTS,
  isPurpose,
  LOOKUP_PURPOSES,
  LookupFields,
  Purpose,
  purposesOf,
  type SealedField,
  SealedFields,
} from './purposes.js';
export { isSealed, SEALED_PREFIX } from './sealed-value.js';

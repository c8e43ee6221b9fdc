// After a master-key rotation (`ordo keys rotate --database/--cluster`): the users' email lookup
// hashes are re-computed under the current master key's lookup key (ADR 0023). Until then the
// gateway searches the hashes of every key it holds, so logins find every account meanwhile.
import { DbDataKeyStore, FieldCipher, type Keyring, Purpose } from '@ordo/crypto';
import type { Db } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import { UserRepository } from '../data-access/user.repository.js';
import { GATEWAY_SCHEMA } from '../gateway-schema.js';

/** Re-computes every hash not made under `keyring`'s current account lookup key; returns how many. */
export async function recomputeEmailLookups(db: Db, keyring: Keyring, schema = GATEWAY_SCHEMA): Promise<number> {
  const cipher = new FieldCipher({ keyring, dataKeys: new DbDataKeyStore(db, schema, keyring) });
  const key = cipher.currentLookupKey(Purpose.Account);
  if (!key) {
    throw new AppError(Errors.CRYPTO_NOT_ENTITLED, {
      message: "the keys given hold no lookup key for 'account' data",
      details: { purpose: Purpose.Account },
    });
  }
  return new UserRepository(db, schema, cipher).recomputeEmailLookups(key);
}

// Keeps the users table's emails sealed and their lookup hashes under the key in use (ADR 0023):
// seals emails stored in clear (rows from before sealing, or written by an older replica during an
// upgrade) and re-computes hashes made under another master key (a replica that still sealed with
// the old data key right after a rotation). Run at start and by the housekeeping sweep; a no-op
// once done.
import { type FieldCipher, Purpose } from '@ordo/crypto';
import type { ServiceContext } from '@ordo/service-kit';
import type { UserRepository } from '../data-access/user.repository.js';

export interface SealedEmails {
  /** Rows sealed or re-hashed. */
  catchUp(): Promise<number>;
}

export function sealedEmails(
  users: Pick<UserRepository, 'sealClearEmails' | 'recomputeEmailLookups'>,
  cipher: FieldCipher,
  logger: Pick<ServiceContext['logger'], 'warn'>,
): SealedEmails {
  return {
    async catchUp() {
      let changed = 0;
      for (;;) {
        const { sealed, duplicates } = await users.sealClearEmails();
        changed += sealed;
        if (duplicates.length > 0) {
          logger.warn(
            { userIds: duplicates },
            'accounts whose email another account has were sealed without a lookup hash: nobody can log in to them',
          );
        }
        if (sealed === 0) break;
      }
      return changed + (await users.recomputeEmailLookups(await cipher.lookupKeyInUse(Purpose.Account)));
    },
  };
}

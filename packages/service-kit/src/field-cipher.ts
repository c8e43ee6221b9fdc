// A service's field cipher: the keyring its host handed it, data keys in the service's own schema
// (which must include `dataKeyMigrations`), and every value that fails to open logged by field
// and reason, never by content.
import { DbDataKeyStore, FieldCipher, Keyring } from '@ordo/crypto';
import type { ServiceContext } from './service.js';

/** The service's data keys, in its own schema; for a service that rotates them itself. */
export function serviceDataKeys(context: ServiceContext, schema: string): DbDataKeyStore {
  const keys = context.fieldKeys;
  return new DbDataKeyStore(context.db, schema, keys?.keyring ?? Keyring.empty(), {
    currentKeyMaxAgeMs: keys?.dataKeyMaxAgeMs,
  });
}

export function serviceFieldCipher(
  context: ServiceContext,
  schema: string,
  dataKeys: DbDataKeyStore = serviceDataKeys(context, schema),
): FieldCipher {
  const keys = context.fieldKeys;
  return new FieldCipher({
    keyring: keys?.keyring ?? Keyring.empty(),
    dataKeys,
    onOpenFailure: (error) => {
      keys?.onOpenFailure?.(error);
      context.logger.error({ code: error.code, ...error.details }, 'a sealed value could not be opened');
    },
  });
}

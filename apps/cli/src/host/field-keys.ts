// Field encryption keys for a host (ADR 0023): the master key from ORDO_MASTER_KEY (and the
// previous ones), or a dev key generated once in the data or state dir; each service is handed
// the KEKs of its own purposes only (`ENTITLEMENTS`), and every value that fails to open is counted.
import {
  ALL_PURPOSES,
  type DataKeyRotation,
  DbDataKeyStore,
  type FieldKeys,
  Keyring,
  loadOrCreateDevMasterKey,
  parseMasterKeys,
  purposesOf,
} from '@ordo/crypto';
import type { Db } from '@ordo/db';

export interface MasterKeySettings {
  /** ORDO_MASTER_KEY (base64 of 32 bytes); unset: the dev key file in `devKeyDir`. */
  masterKey?: string;
  /** ORDO_MASTER_KEYS_PREVIOUS: still unwrap, never wrap. */
  previousMasterKeys?: string;
}

/** Every purpose's KEKs, derived from the configured master key(s) or the dev key file. */
export async function hostKeyring(settings: MasterKeySettings, devKeyDir: string): Promise<Keyring> {
  const current = settings.masterKey ?? (await loadOrCreateDevMasterKey(devKeyDir));
  const masters = parseMasterKeys(current, settings.previousMasterKeys);
  return Keyring.fromMasterKeys(masters, ALL_PURPOSES);
}

/** Hands each service its keys and counts, over all of them, the values that failed to open. */
export class FieldKeyDispenser {
  private failures = 0;

  constructor(
    private readonly keyring: Keyring,
    private readonly options: { dataKeyMaxAgeMs?: number } = {},
  ) {}

  /** Sealed values that failed to open in this process since it started: zero when healthy. */
  get openFailures(): number {
    return this.failures;
  }

  keysOf(service: string): FieldKeys {
    return {
      keyring: this.keyring.restrictTo(purposesOf(service)),
      dataKeyMaxAgeMs: this.options.dataKeyMaxAgeMs,
      onOpenFailure: () => {
        this.failures++;
      },
    };
  }

  /** The environment a service process gets: its KEKs only, never the master key. */
  envOf(service: string): Record<string, string> {
    const keys = this.keyring.restrictTo(purposesOf(service));
    return keys.purposes.length === 0 ? {} : { ORDO_FIELD_KEYS: keys.serialize() };
  }

  /** Rotates the data keys of each `service → schema` in `db` (the embedded shape: one database). */
  async rotateAll(db: Db, schemas: Readonly<Record<string, string>>): Promise<Record<string, DataKeyRotation>> {
    const report: Record<string, DataKeyRotation> = {};
    for (const [service, schema] of Object.entries(schemas)) {
      const keyring = this.keyring.restrictTo(purposesOf(service));
      if (keyring.purposes.length === 0) continue;
      report[schema] = await new DbDataKeyStore(db, schema, keyring).rotate();
    }
    return report;
  }
}

const MASTER_KEY_VARIABLES = ['ORDO_MASTER_KEY', 'ORDO_MASTER_KEYS_PREVIOUS'] as const;

/** The master key settings in an environment (the cluster's own, with its `env` option over it). */
export function masterKeySettings(
  ...envs: ReadonlyArray<Record<string, string | undefined> | undefined>
): MasterKeySettings {
  const merged = Object.assign({}, ...envs.filter(Boolean)) as Record<string, string | undefined>;
  return {
    masterKey: merged.ORDO_MASTER_KEY || undefined,
    previousMasterKeys: merged.ORDO_MASTER_KEYS_PREVIOUS || undefined,
  };
}

/** `env` without the master keys: a service process gets its KEKs (ORDO_FIELD_KEYS), never the master key. */
export function withoutMasterKeys(env: Record<string, string | undefined>): Record<string, string> {
  const copy = { ...env } as Record<string, string>;
  for (const variable of MASTER_KEY_VARIABLES) delete copy[variable];
  return copy;
}

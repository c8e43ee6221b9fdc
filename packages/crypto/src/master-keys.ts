// Master keys and the key-encryption keys (KEKs) derived from them. The master key comes from
// configuration (base64 of 32 bytes); each purpose's KEK is HKDF-SHA256 of it, so a process can be
// handed the KEKs of its purposes without ever seeing the master key. A key id is derived from
// the key (HKDF again, 8 bytes): it names the key in every sealed value and reveals nothing of it.
// A purpose whose values are found by a keyed index (`LOOKUP_PURPOSES`) also gets a lookup key
// (HKDF with its own info string): HMAC keys never double as KEKs.
import { hkdfSync, randomBytes } from 'node:crypto';
import { ALL_PURPOSES, isPurpose, LOOKUP_PURPOSES, type Purpose } from './purposes.js';

const KEY_BYTES = 32;
const SALT = Buffer.from('ordo-field-encryption-v1');

export interface MasterKey {
  /** 16 hex characters derived from the key; safe to log and store. */
  readonly id: string;
  readonly key: Buffer;
}

/** A key-encryption key: wraps the data keys of one purpose. `id` is its master key's id. */
export interface KeyEncryptionKey {
  readonly purpose: Purpose;
  readonly id: string;
  readonly key: Buffer;
}

/** A lookup (blind index) key: HMACs the values of one purpose. `id` is its master key's id. */
export interface LookupKey {
  readonly purpose: Purpose;
  readonly id: string;
  readonly key: Buffer;
}

function hkdf(key: Buffer, info: string, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', key, SALT, Buffer.from(info), length));
}

export function keyId(key: Buffer): string {
  return hkdf(key, 'ordo/key-id', 8).toString('hex');
}

/** A fresh master key, base64: what the hosts write to the dev key file at first start. */
export function generateMasterKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** Reads one master key (base64 of exactly 32 bytes); throws with a message that never echoes it. */
export function parseMasterKey(base64: string): MasterKey {
  const text = base64.trim();
  const key = Buffer.from(text, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || key.length !== KEY_BYTES) {
    throw new Error(`must be the base64 of ${KEY_BYTES} random bytes (e.g. \`openssl rand -base64 32\`)`);
  }
  return { id: keyId(key), key };
}

/** The current master key, then the previous ones (comma separated) still accepted for unwrapping. */
export function parseMasterKeys(current: string, previous?: string): MasterKey[] {
  const others = (previous ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  return [current, ...others].map(parseMasterKey);
}

/** The KEK of `purpose` under `master`. */
export function deriveKek(master: MasterKey, purpose: Purpose): KeyEncryptionKey {
  return { purpose, id: master.id, key: hkdf(master.key, `ordo/kek/${purpose}`, KEY_BYTES) };
}

/** The lookup key of `purpose` under `master`: its own info string, so it is independent of the KEK. */
export function deriveLookupKey(master: MasterKey, purpose: Purpose): LookupKey {
  return { purpose, id: master.id, key: hkdf(master.key, `ordo/lookup/${purpose}`, KEY_BYTES) };
}

const LOOKUP_PREFIX = 'lookup/';

/**
 * The KEKs a process holds: per purpose, the current one first, then older ones that still
 * unwrap; and, likewise, the lookup keys of its purposes that have a keyed index. Nothing else: a
 * purpose missing here cannot be sealed, opened or looked up by this process.
 */
export class Keyring {
  private readonly byPurpose = new Map<Purpose, KeyEncryptionKey[]>();
  private readonly lookupByPurpose = new Map<Purpose, LookupKey[]>();

  constructor(keks: readonly KeyEncryptionKey[], lookupKeys: readonly LookupKey[] = []) {
    for (const [keys, map] of [
      [keks, this.byPurpose],
      [lookupKeys, this.lookupByPurpose],
    ] as const) {
      for (const key of keys) {
        const list = map.get(key.purpose) ?? [];
        if (!list.some((k) => k.id === key.id)) list.push(key);
        map.set(key.purpose, list);
      }
    }
  }

  /** KEKs (and lookup keys, for `LOOKUP_PURPOSES`) for `purposes` derived from `masters` (current first). */
  static fromMasterKeys(masters: readonly MasterKey[], purposes: readonly Purpose[]): Keyring {
    return new Keyring(
      purposes.flatMap((purpose) => masters.map((m) => deriveKek(m, purpose))),
      purposes
        .filter((purpose) => LOOKUP_PURPOSES.includes(purpose))
        .flatMap((purpose) => masters.map((m) => deriveLookupKey(m, purpose))),
    );
  }

  /** An empty keyring: seals and opens nothing. */
  static empty(): Keyring {
    return new Keyring([]);
  }

  get purposes(): Purpose[] {
    return [...this.byPurpose.keys()];
  }

  has(purpose: Purpose): boolean {
    return this.byPurpose.has(purpose);
  }

  /** The KEK new data keys of `purpose` are wrapped with. */
  current(purpose: Purpose): KeyEncryptionKey | undefined {
    return this.byPurpose.get(purpose)?.[0];
  }

  find(purpose: Purpose, id: string): KeyEncryptionKey | undefined {
    return this.byPurpose.get(purpose)?.find((k) => k.id === id);
  }

  /** The lookup keys of `purpose`, current first (none for a purpose without a keyed index). */
  lookupKeys(purpose: Purpose): readonly LookupKey[] {
    return this.lookupByPurpose.get(purpose) ?? [];
  }

  /** A keyring with only `purposes` of this one: what a service is handed. */
  restrictTo(purposes: readonly Purpose[]): Keyring {
    const mine = <K extends { purpose: Purpose }>(k: K) => purposes.includes(k.purpose);
    return new Keyring(
      [...this.byPurpose.values()].flat().filter(mine),
      [...this.lookupByPurpose.values()].flat().filter(mine),
    );
  }

  /**
   * `purpose:id:base64,…` (current first), lookup keys as `lookup/<purpose>:id:base64`: how the
   * cluster hands a process its keys in the environment (`ORDO_FIELD_KEYS`) instead of the master key.
   */
  serialize(): string {
    return [
      ...[...this.byPurpose.values()].flat().map((k) => `${k.purpose}:${k.id}:${k.key.toString('base64')}`),
      ...[...this.lookupByPurpose.values()]
        .flat()
        .map((k) => `${LOOKUP_PREFIX}${k.purpose}:${k.id}:${k.key.toString('base64')}`),
    ].join(',');
  }

  static parse(text: string): Keyring {
    const keks: KeyEncryptionKey[] = [];
    const lookups: LookupKey[] = [];
    for (const part of text
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const [name, id, key] = part.split(':');
      const lookup = name?.startsWith(LOOKUP_PREFIX) ?? false;
      const purpose = lookup ? name?.slice(LOOKUP_PREFIX.length) : name;
      const bytes = Buffer.from(key ?? '', 'base64');
      if (!purpose || !isPurpose(purpose) || !id || !/^[0-9a-f]{16}$/.test(id) || bytes.length !== KEY_BYTES) {
        throw new Error(
          `each entry must be [lookup/]<purpose>:<key id>:<base64 key> with a purpose of ${ALL_PURPOSES.join(', ')}`,
        );
      }
      (lookup ? lookups : keks).push({ purpose, id, key: bytes });
    }
    return new Keyring(keks, lookups);
  }
}

/** What a host hands one service: its KEKs, and how its data keys are cached and failures counted. */
export interface FieldKeys {
  readonly keyring: Keyring;
  /** How long a process seals with the data key it loaded (default 60 s). */
  readonly dataKeyMaxAgeMs?: number;
  /** Told of every value that fails to open (the host counts them). */
  readonly onOpenFailure?: (error: Error) => void;
}

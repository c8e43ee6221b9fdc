import { type Db, migrate } from '@ordo/db';
import { AppError } from '@ordo/errors';
import { createTestPgliteDb } from '@ordo/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { DbDataKeyStore, dataKeyMigrations } from './db.data-key.store.js';
import { FieldCipher } from './field-cipher.js';
import { generateMasterKey, Keyring, parseMasterKey, parseMasterKeys } from './master-keys.js';
import { ALL_PURPOSES, LookupFields, Purpose, purposesOf, SealedFields } from './purposes.js';
import { isSealed } from './sealed-value.js';

const SCHEMA = 'crypto_test';
const address = { lat: 52.517123, lng: 13.389456, line1: 'Zqxwstrasse 17' };

let db: Db | undefined;
afterEach(() => db?.close());

async function freshDb(): Promise<Db> {
  db = await createTestPgliteDb();
  await migrate(db, SCHEMA, dataKeyMigrations);
  return db;
}

function cipherOn(database: Db, keyring: Keyring) {
  const store = new DbDataKeyStore(database, SCHEMA, keyring);
  return { store, cipher: new FieldCipher({ keyring, dataKeys: store }) };
}

function code(error: unknown): string | undefined {
  return error instanceof AppError ? error.code : undefined;
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('FieldCipher', () => {
  it('when a value is sealed, then it opens to the same value and its text shows neither the value nor a key', async () => {
    const master = parseMasterKey(generateMasterKey());
    const { cipher } = cipherOn(await freshDb(), Keyring.fromMasterKeys([master], ALL_PURPOSES));
    const sealed = await cipher.seal(SealedFields.deliveryAddress, address);
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('Zqxwstrasse');
    expect(sealed).not.toContain(master.key.toString('base64url'));
    expect(sealed.split('.').slice(0, 3)).toEqual(['ordo1', 'address', master.id]);
    expect(await cipher.open(SealedFields.deliveryAddress, sealed)).toEqual(address);
  });

  it('when the same value is sealed many times, then every nonce and ciphertext differs', async () => {
    const { cipher } = cipherOn(
      await freshDb(),
      Keyring.fromMasterKeys([parseMasterKey(generateMasterKey())], ALL_PURPOSES),
    );
    const sealed = await Promise.all(Array.from({ length: 200 }, () => cipher.seal(SealedFields.contact, 'same')));
    const nonces = sealed.map((s) => Buffer.from(s.split('.')[5]!, 'base64url').subarray(0, 12).toString('hex'));
    expect(new Set(nonces).size).toBe(200);
    expect(new Set(sealed).size).toBe(200);
  });

  it('when any byte of the ciphertext or of the wrapped data key is changed, then opening fails with ORDO_ERR_CRYPTO_OPEN_FAILED', async () => {
    const { cipher } = cipherOn(
      await freshDb(),
      Keyring.fromMasterKeys([parseMasterKey(generateMasterKey())], ALL_PURPOSES),
    );
    const sealed = await cipher.seal(SealedFields.deliveryAddress, address);
    const parts = sealed.split('.');
    for (const index of [4, 5]) {
      const bytes = Buffer.from(parts[index]!, 'base64url');
      bytes[bytes.length - 5]! ^= 0x01;
      const tampered = [...parts.slice(0, index), bytes.toString('base64url'), ...parts.slice(index + 1)].join('.');
      const error = await failure(cipher.open(SealedFields.deliveryAddress, tampered));
      expect(error.code).toBe('ORDO_ERR_CRYPTO_OPEN_FAILED');
    }
    expect(cipher.openFailures).toBe(2);
  });

  it('when a sealed value is moved to another field of the same purpose, then it does not open there', async () => {
    const { cipher } = cipherOn(
      await freshDb(),
      Keyring.fromMasterKeys([parseMasterKey(generateMasterKey())], ALL_PURPOSES),
    );
    const sealed = await cipher.seal(SealedFields.tokenSigningKey, { d: 'secret' });
    const error = await failure(cipher.open(SealedFields.auditSigningKey, sealed));
    expect(error.code).toBe('ORDO_ERR_CRYPTO_OPEN_FAILED');
    expect(error.details).toMatchObject({ reason: 'tampered-or-moved' });
    const other = await failure(cipher.open(SealedFields.contact, sealed));
    expect(other.details).toMatchObject({ reason: 'wrong-purpose' });
  });

  it('when a service without a purpose is asked to seal or open it, then ORDO_ERR_CRYPTO_NOT_ENTITLED, never the plaintext', async () => {
    const database = await freshDb();
    const master = parseMasterKey(generateMasterKey());
    const { cipher: order } = cipherOn(database, Keyring.fromMasterKeys([master], purposesOf('order')));
    const sealed = await order.seal(SealedFields.deliveryAddress, address);
    for (const service of ['restaurant', 'payment', 'audit', 'gateway', 'psp-sim']) {
      const { cipher } = cipherOn(database, Keyring.fromMasterKeys([master], purposesOf(service)));
      expect(code(await failure(cipher.open(SealedFields.deliveryAddress, sealed))), service).toBe(
        'ORDO_ERR_CRYPTO_NOT_ENTITLED',
      );
      expect(code(await failure(cipher.seal(SealedFields.deliveryAddress, address))), service).toBe(
        'ORDO_ERR_CRYPTO_NOT_ENTITLED',
      );
    }
    for (const service of ['delivery', 'query']) {
      const { cipher } = cipherOn(await createTestPgliteDb(), Keyring.fromMasterKeys([master], purposesOf(service)));
      expect(await cipher.open(SealedFields.deliveryAddress, sealed), service).toEqual(address);
    }
  });

  it('when a process is handed only its serialized KEKs, then it opens its purposes and holds nothing else', async () => {
    const master = parseMasterKey(generateMasterKey());
    const full = Keyring.fromMasterKeys([master], ALL_PURPOSES);
    const delivery = Keyring.parse(full.restrictTo(purposesOf('delivery')).serialize());
    expect(delivery.purposes.sort()).toEqual([Purpose.Address, Purpose.Contact]);
    expect(delivery.serialize()).not.toContain(master.key.toString('base64'));
    const { cipher } = cipherOn(await freshDb(), full);
    const sealed = await cipher.seal(SealedFields.contact, { name: 'A', phone: '1' });
    const { cipher: theirs } = cipherOn(await createTestPgliteDb(), delivery);
    expect(await theirs.open(SealedFields.contact, sealed)).toEqual({ name: 'A', phone: '1' });
  });

  it('when data keys are rotated, then new values use a new data key and values sealed before still open', async () => {
    const { cipher, store } = cipherOn(
      await freshDb(),
      Keyring.fromMasterKeys([parseMasterKey(generateMasterKey())], ALL_PURPOSES),
    );
    const before = await cipher.seal(SealedFields.deliveryAddress, address);
    const rotation = await store.rotate();
    expect(Object.keys(rotation.current).sort()).toEqual([...ALL_PURPOSES].sort());
    const after = await cipher.seal(SealedFields.deliveryAddress, address);
    expect(after.split('.')[3]).toBe(rotation.current.address);
    expect(after.split('.')[3]).not.toBe(before.split('.')[3]);
    expect(await cipher.open(SealedFields.deliveryAddress, before)).toEqual(address);
    expect(await cipher.open(SealedFields.deliveryAddress, after)).toEqual(address);
  });

  it('when the master key is rotated and the data keys re-wrapped, then old values open without the old master key, and a retired master alone opens nothing new', async () => {
    const database = await freshDb();
    const oldKey = generateMasterKey();
    const newKey = generateMasterKey();
    const { cipher: before } = cipherOn(database, Keyring.fromMasterKeys(parseMasterKeys(oldKey), ALL_PURPOSES));
    const sealed = await before.seal(SealedFields.deliveryAddress, address);

    // The new master key is current, the old one still accepted: re-wrap every stored key.
    const both = Keyring.fromMasterKeys(parseMasterKeys(newKey, oldKey), ALL_PURPOSES);
    const { store } = cipherOn(database, both);
    const rotation = await store.rotate();
    expect(rotation.rewrapped).toBe(1);
    expect(rotation.unreadable).toEqual([]);
    const { rows } = await database.query<{ kek_id: string }>(`SELECT DISTINCT kek_id FROM ${SCHEMA}.data_keys`);
    expect(rows).toEqual([{ kek_id: parseMasterKey(newKey).id }]);

    // The old master key is dropped from configuration: the stored re-wrap still opens the old value.
    const { cipher: after } = cipherOn(database, Keyring.fromMasterKeys(parseMasterKeys(newKey), ALL_PURPOSES));
    expect(await after.open(SealedFields.deliveryAddress, sealed)).toEqual(address);
    const fresh = await after.seal(SealedFields.deliveryAddress, address);
    const { cipher: stale } = cipherOn(
      await createTestPgliteDb(),
      Keyring.fromMasterKeys(parseMasterKeys(oldKey), ALL_PURPOSES),
    );
    expect((await failure(stale.open(SealedFields.deliveryAddress, fresh))).details).toMatchObject({
      reason: 'unknown-key',
    });
  });

  it('when several stores race to create the first data key, then they all seal with one and the same key', async () => {
    const database = await freshDb();
    const keyring = Keyring.fromMasterKeys([parseMasterKey(generateMasterKey())], ALL_PURPOSES);
    const keys = await Promise.all(
      Array.from({ length: 4 }, () => new DbDataKeyStore(database, SCHEMA, keyring).current(Purpose.Address)),
    );
    expect(new Set(keys.map((k) => k.id)).size).toBe(1);
  });

  it('when a master key is not base64 of 32 bytes, then it is refused without echoing it', () => {
    for (const bad of ['', 'short', Buffer.alloc(31).toString('base64'), `${generateMasterKey()}!`]) {
      expect(() => parseMasterKey(bad)).toThrow(/base64 of 32 random bytes/);
    }
    try {
      parseMasterKey('c2VjcmV0');
    } catch (error) {
      expect((error as Error).message).not.toContain('c2VjcmV0');
    }
  });
});

describe('FieldCipher lookup hashes', () => {
  it('when an email is hashed, then the hash is keyed (per master key and per field), stored under the data key in use, and refused to a process without the lookup key', async () => {
    const [current, previous] = parseMasterKeys(generateMasterKey(), generateMasterKey());
    const database = await freshDb();
    const both = Keyring.fromMasterKeys([current!, previous!], purposesOf('gateway'));
    // The data keys were made under the previous master key: stored hashes stay under it until rotation.
    const { cipher: before } = cipherOn(database, Keyring.fromMasterKeys([previous!], purposesOf('gateway')));
    await before.prepare(Purpose.Account);
    const { cipher, store } = cipherOn(database, both);
    const hashes = cipher.lookupHashes(SealedFields.userEmail, 'ada@example.com');
    expect(hashes.map((h) => h.keyId)).toEqual([current!.id, previous!.id]);
    expect(hashes[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashes[0]!.hash).not.toBe(hashes[1]!.hash);
    expect(cipher.lookupHashes(SealedFields.userEmail, 'ada@example.com')).toEqual(hashes);
    expect(cipher.lookupHashes(LookupFields.loginAccount, 'ada@example.com')[0]!.hash).not.toBe(hashes[0]!.hash);
    expect(await cipher.lookupHashToStore(SealedFields.userEmail, 'ada@example.com')).toEqual(hashes[1]);
    await store.rotate();
    const { cipher: after } = cipherOn(database, both);
    expect(await after.lookupHashToStore(SealedFields.userEmail, 'ada@example.com')).toEqual(hashes[0]);
    // The order service holds no account purpose: no lookup key either.
    const { cipher: order } = cipherOn(database, Keyring.fromMasterKeys([current!], purposesOf('order')));
    let refused: unknown;
    try {
      order.lookupHashes(SealedFields.userEmail, 'ada@example.com');
    } catch (error) {
      refused = error;
    }
    expect(code(refused)).toBe('ORDO_ERR_CRYPTO_NOT_ENTITLED');
  });
});

import { type Db, migrate } from '@ordo/db';
import { createTestPgliteDb } from '@ordo/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { DbKeyStore } from './db.key-store.js';
import { authKeyMigrations } from './migrations.js';

let db: Db | undefined;
afterEach(() => db?.close());

async function freshDb(): Promise<Db> {
  db = await createTestPgliteDb();
  await migrate(db, 'keys_test', authKeyMigrations);
  return db;
}

describe('DbKeyStore', () => {
  it('when no key exists, then the first call creates one, and later stores on the same database reuse it', async () => {
    const database = await freshDb();
    const first = await new DbKeyStore(database, 'keys_test').signingKey();
    const again = await new DbKeyStore(database, 'keys_test').signingKey();
    expect(again.kid).toBe(first.kid);
    const { rows } = await database.query('SELECT kid FROM keys_test.signing_keys');
    expect(rows).toEqual([{ kid: first.kid }]);
  });

  it('when stores race to create the first key, then they all end up with one and the same key', async () => {
    const database = await freshDb();
    const stores = Array.from({ length: 4 }, () => new DbKeyStore(database, 'keys_test'));
    const kids = new Set((await Promise.all(stores.map((s) => s.signingKey()))).map((k) => k.kid));
    expect(kids.size).toBe(1);
    const { rows } = await database.query('SELECT count(*)::int AS n FROM keys_test.signing_keys');
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('when the public keys are read, then they are a JWKS without any private parameter', async () => {
    const database = await freshDb();
    const store = new DbKeyStore(database, 'keys_test');
    const { kid } = await store.signingKey();
    const jwks = await store.publicKeys();
    expect(jwks.keys).toEqual([
      { kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid, alg: 'ES256', use: 'sig' },
    ]);
    expect(JSON.stringify(jwks)).not.toContain('"d"');
  });

  it('when the database fails, then 503 ORDO_ERR_AUTH_KEYS_UNAVAILABLE, and a later call tries again', async () => {
    const database = await freshDb();
    const store = new DbKeyStore(database, 'keys_test');
    await database.query('ALTER TABLE keys_test.signing_keys RENAME TO signing_keys_away');
    await expect(store.signingKey()).rejects.toMatchObject({ code: 'ORDO_ERR_AUTH_KEYS_UNAVAILABLE', httpStatus: 503 });
    await database.query('ALTER TABLE keys_test.signing_keys_away RENAME TO signing_keys');
    await expect(store.signingKey()).resolves.toMatchObject({ alg: 'ES256' });
  });
});

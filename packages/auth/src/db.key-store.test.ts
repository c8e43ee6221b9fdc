import { DbDataKeyStore, dataKeyMigrations, FieldCipher } from '@ordo/crypto';
import { type Db, migrate } from '@ordo/db';
import { createTestPgliteDb, testFieldKeys } from '@ordo/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

// Rotation tests share one database (a PGlite clone costs seconds on a busy box), each on its own schema.
describe('DbKeyStore rotation', () => {
  let shared: Db;
  let n = 0;
  beforeAll(async () => {
    shared = await createTestPgliteDb();
  });
  afterAll(() => shared?.close());

  async function freshSchema(): Promise<{ database: Db; schema: string }> {
    const schema = `keys_rotation_${++n}`;
    await migrate(shared, schema, authKeyMigrations);
    return { database: shared, schema };
  }

  it('when rotated, then the new key signs, the old one stays published for the retention, and the next rotation drops it', async () => {
    const { database, schema } = await freshSchema();
    let now = new Date('2026-01-01T12:00:00Z');
    const options = { now: () => now, retiredKeyRetentionSeconds: 600 };
    const store = new DbKeyStore(database, schema, options);
    const first = (await store.signingKey()).kid;
    const rotation = await store.rotate();
    expect(rotation).toEqual({ kid: expect.any(String), retired: [first], dropped: [] });
    expect((await store.signingKey()).kid).toBe(rotation.kid);
    expect((await store.publicKeys()).keys.map((k) => k.kid)).toEqual([first, rotation.kid]);

    now = new Date(now.getTime() + 601_000);
    expect((await store.publicKeys()).keys.map((k) => k.kid)).toEqual([rotation.kid]);
    const next = await store.rotate();
    expect(next).toMatchObject({ retired: [rotation.kid], dropped: [first] });
  });

  it('when another process rotates, then a store re-reads the current key once its copy is older than the max age, and keeps its copy if the reload fails', async () => {
    const { database, schema } = await freshSchema();
    let now = new Date('2026-01-01T12:00:00Z');
    const replica = new DbKeyStore(database, schema, { now: () => now, currentKeyMaxAgeMs: 60_000 });
    const first = (await replica.signingKey()).kid;
    const { kid: second } = await new DbKeyStore(database, schema).rotate();
    now = new Date(now.getTime() + 59_000);
    expect((await replica.signingKey()).kid).toBe(first);
    now = new Date(now.getTime() + 2_000);
    expect((await replica.signingKey()).kid).toBe(second);

    await database.query(`ALTER TABLE ${schema}.signing_keys RENAME TO signing_keys_away`);
    now = new Date(now.getTime() + 61_000);
    expect((await replica.signingKey()).kid).toBe(second);
    await database.query(`ALTER TABLE ${schema}.signing_keys_away RENAME TO signing_keys`);
  });

  it('when two rotations run at once, then they run one after the other and one key is current', async () => {
    const { database, schema } = await freshSchema();
    const store = new DbKeyStore(database, schema);
    await store.signingKey();
    const [a, b] = await Promise.all([store.rotate(), new DbKeyStore(database, schema).rotate()]);
    expect(new Set([...a.retired, ...b.retired]).size).toBe(2);
    const { rows } = await database.query(
      `SELECT count(*)::int AS n FROM ${schema}.signing_keys WHERE retired_at IS NULL`,
    );
    expect(rows).toEqual([{ n: 1 }]);
  });
});

describe('DbKeyStore with a cipher (ADR 0023)', () => {
  it('when keys are created and rotated, then the private halves are stored sealed, and a key stored in clear before is sealed in place', async () => {
    const database = await freshDb();
    await migrate(database, 'keys_test', dataKeyMigrations);
    const { keyring } = testFieldKeys('gateway');
    const cipher = new FieldCipher({ keyring, dataKeys: new DbDataKeyStore(database, 'keys_test', keyring) });
    // A key from before sealing: the store without a cipher wrote it in clear.
    const legacy = await new DbKeyStore(database, 'keys_test').signingKey();
    const store = new DbKeyStore(database, 'keys_test', { cipher });
    expect(await store.sealStoredKeys()).toBe(1);
    const rotation = await store.rotate();
    const { rows } = await database.query<{ kid: string; private_jwk: unknown }>(
      'SELECT kid, private_jwk FROM keys_test.signing_keys ORDER BY created_at',
    );
    expect(rows.map((r) => r.kid)).toEqual([legacy.kid, rotation.kid]);
    for (const row of rows) expect(row.private_jwk).toEqual(expect.stringMatching(/^ordo1\.signing\./));
    expect((await new DbKeyStore(database, 'keys_test', { cipher }).signingKey()).kid).toBe(rotation.kid);
    // Without the signing purpose the sealed key cannot be used, and nothing falls back to clear.
    await expect(new DbKeyStore(database, 'keys_test').signingKey()).rejects.toMatchObject({
      code: 'ORDO_ERR_AUTH_KEYS_UNAVAILABLE',
    });
  });
});

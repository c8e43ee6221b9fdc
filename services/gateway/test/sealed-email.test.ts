// Component test: users' emails sealed at rest and found by a keyed lookup hash (ADR 0023).
// Registration and login in any case and spacing, duplicates refused as before, no email in clear
// in the users table, rows from before sealing sealed at start, and logins that keep working
// through a master-key rotation (old key still held, then dropped after the hashes are re-computed).
import { createHash, randomUUID } from 'node:crypto';
import { Role } from '@ordo/auth';
import { DbDataKeyStore, type FieldKeys, generateMasterKey, Keyring, parseMasterKeys, purposesOf } from '@ordo/crypto';
import { type Db, migrate } from '@ordo/db';
import { outboxMigrations } from '@ordo/outbox';
import { createTestPgDatabase, createTestPgliteDb, type TestPgDatabase } from '@ordo/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_SCHEMA, gatewayMigrations, recomputeEmailLookups, seedUsers } from '../src/index.js';
import { PasswordHasher } from '../src/use-cases/password-hasher.js';
import { login, type RunningGateway, register, tokenFor } from './gateway-harness.js';
import { CHEAP_HASHES, PASSWORD, startTestGateway } from './session-harness.js';

/** Every row of the users table as text: what a dump shows. */
async function usersDump(db: Db): Promise<string> {
  const { rows } = await db.query<{ row: string }>('SELECT u::text AS row FROM gateway.users u');
  return rows.map((r) => r.row).join('\n');
}

async function me(app: FastifyInstance, token: string) {
  return (await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } })).json();
}

function keysOf(...masters: string[]): FieldKeys {
  return {
    keyring: Keyring.fromMasterKeys(parseMasterKeys(masters[0]!, masters.slice(1).join(',')), purposesOf('gateway')),
  };
}

describe('gateway: emails sealed and found by a keyed hash', () => {
  let db: Db;
  let gw: RunningGateway;
  const keys = keysOf(generateMasterKey());

  beforeAll(async () => {
    db = await createTestPgliteDb();
    gw = await startTestGateway(db, { fieldKeys: keys });
  });
  afterAll(async () => {
    await gw?.close();
    await db?.close();
  });

  it('when a user registers with an email in odd case and spacing, then any case and spacing logs in, /v1/me shows the normalized email, and no row holds it in clear', async () => {
    const registered = await register(gw.app, '  Zqxw.Mail@Example.COM ', PASSWORD);
    expect(registered.statusCode).toBe(201);
    expect(registered.json().email).toBe('zqxw.mail@example.com');
    for (const typed of ['zqxw.mail@example.com', 'ZQXW.MAIL@EXAMPLE.COM', ' Zqxw.Mail@example.com  ']) {
      const token = await tokenFor(gw.app, typed, PASSWORD);
      expect(await me(gw.app, token)).toMatchObject({ id: registered.json().id, email: 'zqxw.mail@example.com' });
    }
    const dump = await usersDump(db);
    expect(dump).toContain(registered.json().id);
    expect(dump.toLowerCase()).not.toContain('zqxw.mail');
    const { rows } = await db.query<{ email: string | null; email_sealed: string; email_lookup: string }>(
      'SELECT email, email_sealed, email_lookup FROM gateway.users WHERE id = $1',
      [registered.json().id],
    );
    expect(rows).toEqual([
      {
        email: null,
        email_sealed: expect.stringMatching(/^ordo1\.account\./),
        email_lookup: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
  });

  it('when an email is registered again in another case or spacing, then 409 ORDO_ERR_AUTH_EMAIL_TAKEN and one account exists', async () => {
    expect((await register(gw.app, 'twice@example.com', PASSWORD)).statusCode).toBe(201);
    for (const again of ['TWICE@example.com', ' twice@EXAMPLE.com ']) {
      const res = await register(gw.app, again, 'another horse');
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('ORDO_ERR_AUTH_EMAIL_TAKEN');
    }
    expect((await login(gw.app, 'twice@example.com', 'another horse')).statusCode).toBe(401);
    expect((await login(gw.app, 'twice@example.com', PASSWORD)).statusCode).toBe(200);
  });

  it('when an operator creates an account and demo users are seeded, then both are sealed and log in by email', async () => {
    await seedUsers(db, [{ email: 'Ops.Zqxw@Ordo.test', password: 'operator-secret', role: Role.Operator }], {
      fieldKeys: keys,
      passwords: new PasswordHasher(CHEAP_HASHES),
    });
    const ops = await tokenFor(gw.app, 'ops.zqxw@ordo.test', 'operator-secret');
    const created = await gw.app.inject({
      method: 'POST',
      url: '/v1/users',
      payload: { email: 'Courier.Zqxw@Ordo.test', password: 'courier-secret', role: 'courier' },
      headers: { authorization: `Bearer ${ops}` },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().email).toBe('courier.zqxw@ordo.test');
    const taken = await gw.app.inject({
      method: 'POST',
      url: '/v1/users',
      payload: { email: 'COURIER.zqxw@ordo.test', password: 'courier-secret', role: 'courier' },
      headers: { authorization: `Bearer ${ops}` },
    });
    expect(taken.json().error.code).toBe('ORDO_ERR_AUTH_EMAIL_TAKEN');
    expect(await me(gw.app, await tokenFor(gw.app, 'courier.zqxw@ordo.test', 'courier-secret'))).toMatchObject({
      email: 'courier.zqxw@ordo.test',
      role: 'courier',
    });
    // A second seed finds the account by its hash, without creating another.
    const again = await seedUsers(
      db,
      [{ email: 'ops.zqxw@ordo.test', password: 'operator-secret', role: Role.Operator }],
      {
        fieldKeys: keys,
      },
    );
    expect(again.existing).toEqual(['ops.zqxw@ordo.test']);
    expect((await usersDump(db)).toLowerCase()).not.toContain('zqxw@ordo');
  });

  it('when logins fail for an email, then the failure counter is keyed by a keyed hash, not by the email or its plain SHA-256', async () => {
    expect((await login(gw.app, 'Counted.Zqxw@example.com', 'wrong horse')).statusCode).toBe(401);
    const { rows } = await db.query<{ key: string }>("SELECT key FROM gateway.login_failures WHERE scope = 'account'");
    const plain = createHash('sha256').update('counted.zqxw@example.com').digest('hex');
    expect(rows.length).toBeGreaterThan(0);
    for (const { key } of rows) {
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(key).not.toBe(plain);
    }
  });
});

describe('gateway: emails stored in clear before sealing', () => {
  it('when the gateway starts on rows with clear emails, then it seals them, empties the clear column, and their owners log in', async () => {
    const db = await createTestPgliteDb();
    const keys = keysOf(generateMasterKey());
    // The schema as the previous release left it, with an account in it.
    const before = gatewayMigrations.filter((m) => m.id !== 'gateway_0004_sealed_email');
    await migrate(db, GATEWAY_SCHEMA, [...before, ...outboxMigrations]);
    const id = randomUUID();
    await db.query(`INSERT INTO gateway.users (id, email, password_hash, role) VALUES ($1, $2, $3, 'customer')`, [
      id,
      'legacy.zqxw@example.com',
      await new PasswordHasher(CHEAP_HASHES).hash(PASSWORD),
    ]);
    const gw = await startTestGateway(db, { fieldKeys: keys });
    try {
      expect((await usersDump(db)).toLowerCase()).not.toContain('legacy.zqxw');
      const token = await tokenFor(gw.app, 'Legacy.Zqxw@example.com', PASSWORD);
      expect(await me(gw.app, token)).toMatchObject({ id, email: 'legacy.zqxw@example.com' });
      // An older replica still running during the upgrade writes a clear row: the next start (or
      // housekeeping sweep) seals it.
      await db.query(`INSERT INTO gateway.users (id, email, password_hash, role) VALUES ($1, $2, $3, 'customer')`, [
        randomUUID(),
        'late.zqxw@example.com',
        await new PasswordHasher(CHEAP_HASHES).hash(PASSWORD),
      ]);
      const next = await startTestGateway(db, { fieldKeys: keys });
      await next.close();
      expect((await usersDump(db)).toLowerCase()).not.toContain('zqxw@example.com');
      expect((await login(gw.app, 'late.zqxw@example.com', PASSWORD)).statusCode).toBe(200);
    } finally {
      await gw.close();
      await db.close();
    }
  });
});

describe('gateway: email lookups through a master-key rotation (PostgreSQL)', () => {
  let pg: TestPgDatabase;
  const dbs: Db[] = [];
  const running: RunningGateway[] = [];
  afterEach(async () => {
    for (const gw of running.splice(0)) await gw.close();
    for (const db of dbs.splice(0)) await db.close();
    await pg?.drop();
  });

  async function replica(keys: FieldKeys): Promise<{ db: Db; gw: RunningGateway }> {
    const db = pg.open({ max: 3 });
    dbs.push(db);
    const gw = await startTestGateway(db, { fieldKeys: keys });
    running.push(gw);
    return { db, gw };
  }

  it('when the master key is rotated, then logins find every account before, during and after the hashes are re-computed, and the old key can be dropped', async () => {
    pg = await createTestPgDatabase('ordo_sealed_email');
    const [oldKey, newKey] = [generateMasterKey(), generateMasterKey()];
    const [newId, oldId] = parseMasterKeys(newKey, oldKey).map((m) => m.id);
    const { db, gw: before } = await replica(keysOf(oldKey));
    expect((await register(before.app, 'Ada.Zqxw@example.com', PASSWORD)).statusCode).toBe(201);

    // Restarted with the new key current and the old one previous: hashes stay under the old key
    // until the rotation (the data key in use is still the old master key's), and logins work.
    const both = keysOf(newKey, oldKey);
    const { gw: restarted } = await replica(both);
    await tokenFor(restarted.app, 'ada.zqxw@example.com', PASSWORD);
    expect((await register(restarted.app, 'Bob.Zqxw@example.com', PASSWORD)).statusCode).toBe(201);
    const keyIds = async () =>
      (await db.query<{ k: string }>('SELECT email_lookup_key AS k FROM gateway.users ORDER BY 1')).rows.map(
        (r) => r.k,
      );
    expect(await keyIds()).toEqual([oldId, oldId]);

    // The data keys rotate first. From then on every replica stores new hashes under the new key
    // (read with the current data key, not from its cache), and an email hashed under the old one
    // still counts as taken.
    await new DbDataKeyStore(db, GATEWAY_SCHEMA, both.keyring).rotate();
    const taken = await register(restarted.app, 'ADA.zqxw@example.com', PASSWORD);
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('ORDO_ERR_AUTH_EMAIL_TAKEN');
    expect((await register(restarted.app, 'Cy.Zqxw@example.com', PASSWORD)).statusCode).toBe(201);
    expect((await keyIds()).sort()).toEqual([newId, oldId, oldId].sort());
    // A login meanwhile finds every account, whichever key its hash is under.
    for (const email of ['ada.zqxw@example.com', 'bob.zqxw@example.com', 'cy.zqxw@example.com']) {
      await tokenFor(restarted.app, email, PASSWORD);
    }

    // What `ordo keys rotate` does next: every hash re-computed under the new key.
    expect(await recomputeEmailLookups(db, both.keyring)).toBe(2);
    expect(await keyIds()).toEqual([newId, newId, newId]);

    // The old master key dropped: every account still logs in, /v1/me shows its email.
    const { gw: after } = await replica(keysOf(newKey));
    for (const email of ['ada.zqxw@example.com', 'bob.zqxw@example.com', 'cy.zqxw@example.com']) {
      expect(await me(after.app, await tokenFor(after.app, email.toUpperCase(), PASSWORD))).toMatchObject({ email });
    }
    expect((await usersDump(db)).toLowerCase()).not.toContain('zqxw@example.com');
  });
  it('when one email registers on two replicas in different cases while the data keys rotate, then exactly one account is created', async () => {
    pg = await createTestPgDatabase('ordo_sealed_email');
    const both = keysOf(generateMasterKey(), generateMasterKey());
    const [{ db, gw: a }, { gw: b }] = [await replica(both), await replica(both)];
    const cases = [
      'race.zqxw@example.com',
      'RACE.zqxw@example.com',
      ' Race.Zqxw@Example.com',
      'race.ZQXW@example.com ',
    ];
    const [results] = await Promise.all([
      Promise.all(cases.map((email, i) => register(i % 2 ? b.app : a.app, email, PASSWORD))),
      new DbDataKeyStore(db, GATEWAY_SCHEMA, both.keyring).rotate(),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409]);
    for (const r of results.filter((res) => res.statusCode === 409)) {
      expect(r.json().error.code).toBe('ORDO_ERR_AUTH_EMAIL_TAKEN');
    }
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM gateway.users');
    expect(rows[0]!.n).toBe(1);
    await tokenFor(b.app, 'race.zqxw@example.com', PASSWORD);
  });
});

// `ordo keys rotate` against a real PostgreSQL database (--database) and against a running
// gateway (--url with an operator token, the embedded shape's way): the signing key and the
// gateway's data keys (ADR 0023) rotate, and the stored private keys stay sealed.
import type { AddressInfo } from 'node:net';
import { DbKeyStore, Role } from '@ordo/auth';
import { FieldCipher, generateMasterKey, Keyring, parseMasterKeys, purposesOf } from '@ordo/crypto';
import { migrate } from '@ordo/db';
import { noFaults } from '@ordo/faults';
import { createGatewayService, GATEWAY_SCHEMA, seedUsers } from '@ordo/gateway';
import { createHttpApp } from '@ordo/http';
import { silentLogger } from '@ordo/logger';
import { createTestPgDatabase, MemoryTransport, type TestPgDatabase } from '@ordo/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { keysRotate } from '../src/commands/keys.command.js';

let pg: TestPgDatabase | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await pg?.drop();
  pg = undefined;
});

const CHEAP = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
const MASTER_KEY = generateMasterKey();
const gatewayKeyring = Keyring.fromMasterKeys(parseMasterKeys(MASTER_KEY), purposesOf('gateway'));

/** A gateway on a fresh database (or `existing`), started once (so it has its first key), listening on a port. */
async function runningGateway(keyring: Keyring = gatewayKeyring, existing?: TestPgDatabase) {
  pg = existing ?? (await createTestPgDatabase('ordo_cli_keys'));
  const db = pg.open({ max: 3 });
  const service = createGatewayService(
    {
      db,
      transport: new MemoryTransport(),
      logger: silentLogger,
      faults: noFaults,
      now: () => new Date(),
      fieldKeys: { keyring },
    },
    { passwordHashParams: CHEAP },
  );
  await migrate(db, service.schema, service.migrations);
  await service.start();
  const app = await createHttpApp();
  await app.register(service.routes);
  await app.listen({ port: 0, host: '127.0.0.1' });
  cleanups.push(
    () => db.close(),
    () => app.close(),
  );
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const firstKid = (await service.publicKeys.publicKeys()).keys[0]!.kid!;
  return { db, url, firstKid, connectionString: pg.connectionString };
}

async function jwksKids(url: string): Promise<string[]> {
  const res = await fetch(`${url}/.well-known/jwks.json`);
  return ((await res.json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
}

describe('ordo keys rotate', () => {
  it('when given the gateway database, then a new key becomes current and the JWKS of the running gateway lists both', async () => {
    const gw = await runningGateway();
    await expect(keysRotate({ database: gw.connectionString }, {})).rejects.toThrow(/ORDO_MASTER_KEY/);
    const report = await keysRotate({ database: gw.connectionString }, { ORDO_MASTER_KEY: MASTER_KEY });
    expect(report).toEqual({
      signing: { kid: expect.any(String), retired: [gw.firstKid], dropped: [] },
      dataKeys: { gateway: { current: expect.any(Object), rewrapped: 0, unreadable: [] } },
      emailLookups: 0,
    });
    const signing = report.signing!;
    expect(signing.kid).not.toBe(gw.firstKid);
    // Stored sealed, and the running gateway (which shares no cache with the command) signs with it.
    const { rows: sealed } = await gw.db.query<{ private_jwk: unknown }>(
      'SELECT private_jwk FROM gateway.signing_keys',
    );
    for (const row of sealed) expect(row.private_jwk).toMatch(/^ordo1\.signing\./);
    const cipher = new FieldCipher({
      keyring: gatewayKeyring,
      dataKeys: { current: () => Promise.reject(new Error('unused')), find: async () => undefined },
    });
    expect((await new DbKeyStore(gw.db, GATEWAY_SCHEMA, { cipher }).signingKey()).kid).toBe(signing.kid);
    const { rows } = await gw.db.query<{ kid: string; active: boolean }>(
      'SELECT kid, retired_at IS NULL AS active FROM gateway.signing_keys ORDER BY created_at',
    );
    expect(rows).toEqual([
      { kid: gw.firstKid, active: false },
      { kid: signing.kid, active: true },
    ]);
    expect(await jwksKids(gw.url)).toEqual([gw.firstKid, signing.kid]);
  });

  it('when given a gateway URL and an operator token, then the gateway rotates; without a token or with a customer one it is refused', async () => {
    const gw = await runningGateway();
    await seedUsers(
      gw.db,
      [
        { email: 'ops@ordo.test', password: 'operator-secret', role: Role.Operator },
        { email: 'ada@example.com', password: 'customer-secret', role: Role.Customer },
      ],
      { fieldKeys: { keyring: gatewayKeyring } },
    );
    const token = async (email: string, password: string) => {
      const res = await fetch(`${gw.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      return ((await res.json()) as { accessToken: string }).accessToken;
    };
    await expect(keysRotate({ url: gw.url }, {})).rejects.toThrow(/operator access token/);
    await expect(
      keysRotate({ url: gw.url, token: await token('ada@example.com', 'customer-secret') }, {}),
    ).rejects.toThrow(/403 ORDO_ERR_AUTH_FORBIDDEN/);

    const report = await keysRotate(
      { url: gw.url },
      { ORDO_OPERATOR_TOKEN: await token('ops@ordo.test', 'operator-secret') },
    );
    expect(report.signing!.retired).toEqual([gw.firstKid]);
    expect(Object.keys(report.dataKeys)).toEqual(['gateway']);
    expect(await jwksKids(gw.url)).toEqual([gw.firstKid, report.signing!.kid]);
  });

  it('when the master key changes and the rotation runs with the old key as previous, then the email lookup hashes are re-computed and accounts log in with the new key alone', async () => {
    const gw = await runningGateway();
    await seedUsers(gw.db, [{ email: 'Ada@Example.com', password: 'customer-secret', role: Role.Customer }], {
      fieldKeys: { keyring: gatewayKeyring },
    });
    const newKey = generateMasterKey();
    const report = await keysRotate(
      { database: gw.connectionString },
      { ORDO_MASTER_KEY: newKey, ORDO_MASTER_KEYS_PREVIOUS: MASTER_KEY },
    );
    expect(report.emailLookups).toBe(1);
    const newId = parseMasterKeys(newKey)[0]!.id;
    const { rows } = await gw.db.query<{ k: string; email: string | null }>(
      'SELECT email_lookup_key AS k, email FROM gateway.users',
    );
    expect(rows).toEqual([{ k: newId, email: null }]);
    // The old master key dropped: a gateway with the new key alone finds the account by its email.
    const after = await runningGateway(Keyring.fromMasterKeys(parseMasterKeys(newKey), purposesOf('gateway')), pg);
    const res = await fetch(`${after.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ADA@example.com', password: 'customer-secret' }),
    });
    expect(res.status).toBe(200);
  });

  it('when no way to the keys is given, or a database without Ordo keys, or a missing cluster, then a clear error', async () => {
    await expect(keysRotate({}, {})).rejects.toThrow(/--database <postgres url>/);
    await expect(keysRotate({ database: 'postgres://x', url: 'http://y' }, {})).rejects.toThrow(/one of/);
    pg = await createTestPgDatabase('ordo_cli_keys');
    await expect(keysRotate({ database: pg.connectionString }, { ORDO_MASTER_KEY: MASTER_KEY })).rejects.toThrow(
      /no Ordo keys/,
    );
    await expect(keysRotate({ cluster: '/nonexistent-ordo-state' }, {})).rejects.toThrow(/no cluster state/);
  });
});

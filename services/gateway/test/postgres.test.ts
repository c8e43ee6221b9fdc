// Component test on a real PostgreSQL server: what only real concurrency can show. Two gateway
// instances (own pools, as two replicas would have) start at once on an empty database, and
// registrations of one email race.
import { DEFAULT_TOKEN_AUDIENCE, DEFAULT_TOKEN_ISSUER, RemoteJwksVerifier } from '@ordo/auth';
import { type Db, migrate } from '@ordo/db';
import { createTestPgDatabase, type TestPgDatabase } from '@ordo/testing';
import { calculateJwkThumbprint, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayMigrations } from '../src/index.js';
import { countUsers, login, type RunningGateway, register, startGateway, tokenFor } from './gateway-harness.js';

let database: TestPgDatabase;
let raceDatabase: TestPgDatabase | undefined;
const dbs: Db[] = [];
const running: RunningGateway[] = [];

function open(on: TestPgDatabase = database): Db {
  const db = on.open({ max: 4 });
  dbs.push(db);
  return db;
}

async function start(db: Db): Promise<RunningGateway> {
  const gw = await startGateway(db);
  running.push(gw);
  return gw;
}

async function jwksKids(gw: RunningGateway): Promise<string[]> {
  const res = await gw.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
  return res.json().keys.map((k: { kid: string }) => k.kid);
}

beforeAll(async () => {
  database = await createTestPgDatabase('ordo_gateway');
});

afterAll(async () => {
  for (const gw of running) await gw.close();
  for (const db of dbs) await db.close();
  await database?.drop();
  await raceDatabase?.drop();
});

describe('gateway on PostgreSQL', () => {
  let a: RunningGateway;
  let b: RunningGateway;

  it('when two instances start at once on an empty database, then one key pair is created and both sign with it', async () => {
    [a, b] = await Promise.all([start(open()), start(open())]);
    const { rows } = await dbs[0]!.query<{ kid: string }>('SELECT kid FROM gateway.signing_keys');
    expect(rows).toHaveLength(1);
    expect(await jwksKids(a)).toEqual([rows[0]!.kid]);
    expect(await jwksKids(b)).toEqual([rows[0]!.kid]);

    await register(a.app, 'ada@example.com', 'correct horse');
    const fromA = await tokenFor(a.app, 'ada@example.com', 'correct horse');
    const fromB = await tokenFor(b.app, 'ada@example.com', 'correct horse');
    expect(decodeProtectedHeader(fromA).kid).toBe(rows[0]!.kid);
    expect(decodeProtectedHeader(fromB).kid).toBe(rows[0]!.kid);
    // A token issued by one replica is accepted by the other.
    const me = await b.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${fromA}` } });
    expect(me.statusCode).toBe(200);
  });

  it('when an instance restarts on the same database, then it keeps the key, and old tokens stay valid', async () => {
    const before = await tokenFor(a.app, 'ada@example.com', 'correct horse');
    const kids = await jwksKids(a);
    await a.close();
    running.splice(running.indexOf(a), 1);

    a = await start(open());
    expect(await jwksKids(a)).toEqual(kids);
    const me = await a.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${before}` } });
    expect(me.statusCode).toBe(200);
    const { rows } = await dbs[0]!.query('SELECT kid FROM gateway.signing_keys');
    expect(rows).toHaveLength(1);
  });

  it('when a service verifies through the JWKS of a listening instance, then tokens of either instance pass', async () => {
    await b.app.listen({ port: 0, host: '127.0.0.1' });
    const address = b.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const verifier = new RemoteJwksVerifier({
      jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      issuer: DEFAULT_TOKEN_ISSUER,
      audience: DEFAULT_TOKEN_AUDIENCE,
    });
    for (const gw of [a, b]) {
      const token = await tokenFor(gw.app, 'ada@example.com', 'correct horse');
      await expect(verifier.verify(token)).resolves.toMatchObject({ role: 'customer' });
    }
  });

  it('when the same email registers on both instances at once in different cases, then exactly one account is created', async () => {
    const results = await Promise.all([
      register(a.app, 'race@example.com', 'first horse'),
      register(b.app, 'RACE@example.com', 'second horse'),
      register(a.app, 'Race@Example.com', 'third horse'),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    for (const r of results.filter((res) => res.statusCode === 409)) {
      expect(r.json().error.code).toBe('ORDO_ERR_AUTH_EMAIL_TAKEN');
    }
    // One account, found by its email in any case; no email is stored in clear.
    const winner = results.find((r) => r.statusCode === 201)!.json();
    expect(winner.email).toBe('race@example.com');
    const { rows } = await dbs[0]!.query<{ email: string | null; email_sealed: string }>(
      'SELECT email, email_sealed FROM gateway.users WHERE id = $1',
      [winner.id],
    );
    expect(rows).toEqual([{ email: null, email_sealed: expect.stringMatching(/^ordo1\.account\./) }]);
    expect(await countUsers(dbs[0]!)).toBe(2);
  });

  it('when the password is wrong or the email unknown, then the answers are identical', async () => {
    const wrong = await login(a.app, 'ada@example.com', 'wrong horse');
    const unknown = await login(b.app, 'nobody@example.com', 'correct horse');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.body).toBe(wrong.body);
  });
});

describe('gateway on PostgreSQL: losing the race to create the key', () => {
  it('when another replica is inserting the first key while this one starts, then this one waits and adopts that key', async () => {
    raceDatabase = await createTestPgDatabase('ordo_gateway_race');
    const db = open(raceDatabase);
    const other = open(raceDatabase);
    await migrate(db, 'gateway', gatewayMigrations);

    // The other replica has inserted its key but not committed yet.
    const pair = await generateKeyPair('ES256', { extractable: true });
    const publicJwk = await exportJWK(pair.publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    let commit!: () => void;
    let inserted!: () => void;
    const insertedSignal = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    const otherReplica = other.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO gateway.signing_keys (kid, alg, public_jwk, private_jwk) VALUES ($1, 'ES256', $2::jsonb, $3::jsonb)`,
        [kid, JSON.stringify(publicJwk), JSON.stringify(await exportJWK(pair.privateKey))],
      );
      inserted();
      await new Promise<void>((resolve) => {
        commit = resolve;
      });
    });
    await insertedSignal;

    // This replica sees no key, creates its own, and its INSERT waits on the other's index entry.
    const starting = start(db);
    await waitFor(async () => {
      const { rows } = await other.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO "gateway".signing_keys%'`,
      );
      return rows[0]!.n === 1;
    });
    commit();
    await otherReplica;

    const gw = await starting;
    expect(await jwksKids(gw)).toEqual([kid]);
    const { rows } = await db.query('SELECT kid FROM gateway.signing_keys');
    expect(rows).toEqual([{ kid }]);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

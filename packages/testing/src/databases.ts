// Real databases for tests: a fresh Postgres database per call on the local server, or a
// PGlite clone of one template per process (initdb costs seconds, a clone milliseconds).
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgDb, createPgliteDb, type Db, openPglite, pgliteParsers } from '@ordo/db';
import pg from 'pg';

/** Admin connection to the local server (trust auth); override with ORDO_TEST_PG_URL. */
export function adminPgUrl(): string {
  return process.env.ORDO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export interface TestPgDatabase {
  readonly name: string;
  readonly connectionString: string;
  /** Opens a Db on the database (each call a new pool). */
  open(options?: { max?: number }): Db;
  /** Drops the database (terminating connections still open). */
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminPgUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestPgDatabase(prefix = 'ordo_test'): Promise<TestPgDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const connectionString = withDatabase(adminPgUrl(), name);
  return {
    name,
    connectionString,
    open: (options) => createPgDb({ connectionString, max: options?.max ?? 10, applicationName: name }),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** Where the test run's global setup left a dump of a fresh PGlite cluster (see `pgliteTemplateSetup`). */
export const PGLITE_TEMPLATE_ENV = 'ORDO_TEST_PGLITE_TEMPLATE';

let template: Promise<PGlite> | undefined;

async function openTemplate(): Promise<PGlite> {
  const dump = process.env[PGLITE_TEMPLATE_ENV];
  if (!dump) return openPglite();
  // Loading a dumped cluster takes ~1.5 s; initdb takes ~10 s on this box.
  const instance = new PGlite({ loadDataDir: new Blob([await readFile(dump)]), parsers: pgliteParsers() });
  await instance.waitReady;
  return instance;
}

/** A fresh in-memory PGlite database, cloned from a per-process template. */
export async function createTestPgliteDb(): Promise<Db> {
  template ??= openTemplate();
  const instance = (await (await template).clone()) as PGlite;
  return createPgliteDb({ instance });
}

/**
 * Vitest global setup: runs initdb once for the whole test run and leaves a dump that every
 * worker loads instead of running initdb again. Returns the teardown.
 */
export async function pgliteTemplateSetup(): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'ordo-pglite-template-'));
  const file = join(dir, 'template.tar');
  const instance = await openPglite();
  const dump = await instance.dumpDataDir('none');
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  await instance.close();
  process.env[PGLITE_TEMPLATE_ENV] = file;
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}

/** A database a test opened, and how to get rid of it. */
export interface TestDatabase {
  readonly db: Db;
  /** Closes the Db; a Postgres test database is dropped too. */
  close(): Promise<void>;
}

export type TestDatabaseKind = 'pglite' | 'postgres';

/** Opens a PGlite clone of the run's template, or a fresh database on the local Postgres server. */
export async function openTestDatabase(
  kind: TestDatabaseKind,
  options: { prefix?: string; max?: number } = {},
): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const db = await createTestPgliteDb();
    return { db, close: () => db.close() };
  }
  const database = await createTestPgDatabase(options.prefix);
  const db = database.open({ max: options.max });
  return {
    db,
    close: async () => {
      await db.close();
      await database.drop();
    },
  };
}

/** Both kinds, for suites that must pass on each (`describe.each(TEST_DATABASES)`). */
export const TEST_DATABASES: ReadonlyArray<{ readonly name: string; readonly kind: TestDatabaseKind }> = [
  { name: 'PGlite', kind: 'pglite' },
  { name: 'Postgres', kind: 'postgres' },
];

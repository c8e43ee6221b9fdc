// Real databases for tests: a fresh Postgres database per call on the local server, or a
// PGlite clone of one template per process (initdb costs seconds, a clone milliseconds).
import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { createPgDb, createPgliteDb, type Db, openPglite } from '@ordo/db';
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

let template: Promise<PGlite> | undefined;

/** A fresh in-memory PGlite database, cloned from a per-process template. */
export async function createTestPgliteDb(): Promise<Db> {
  template ??= openPglite();
  const instance = (await (await template).clone()) as PGlite;
  return createPgliteDb({ instance });
}

// The tracking benchmark's couriers: real accounts (the demo operator creates them through the
// API, so each can log in and send its own pings), with courier rows in the delivery database
// around the demo restaurants. They are made the only free couriers: the shape's own (the demo's
// eight, the one it seeds) are marked unavailable, so every order placed afterwards gets one of these.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { DemoCredentials } from '@ordo/cli/host';
import { createPgDb } from '@ordo/db';
import { DELIVERY_SCHEMA, demoCouriers, seedCouriers } from '@ordo/delivery';
import { logIn } from '../platform/customers.js';
import type { HttpClient } from '../platform/http-client.js';
import { BENCH_APPLICATION } from '../platform/meter/pg-stats.js';

export interface CourierAccount {
  readonly userId: string;
  /** Its access token (15 minutes: longer than the run needs it). */
  readonly token: string;
}

export interface CourierAccountsOptions {
  readonly count: number;
  /** The shape's `demo-credentials.json`: the operator who creates the accounts. */
  readonly demoCredentialsFile: string;
  readonly deliveryDatabaseUrl: string;
}

/** Account creation and login hash passwords (argon2id): a few at a time keeps the gateway responsive. */
const IN_FLIGHT = 4;

export async function createCourierAccounts(
  http: HttpClient,
  options: CourierAccountsOptions,
  log: (m: string) => void,
): Promise<CourierAccount[]> {
  const operator = await operatorToken(http, options.demoCredentialsFile);
  const run = randomBytes(4).toString('hex');
  const password = randomBytes(12).toString('base64url');
  log(`creating ${options.count} courier accounts`);
  const accounts = await mapInFlight(options.count, IN_FLIGHT, async (i) => {
    const email = `bench-courier-${run}-${i + 1}@bench.ordo.dev`;
    const created = await http.post<{ id: string }>(
      '/v1/users',
      { email, password, name: `Bench courier ${i + 1}`, role: 'courier' },
      operator,
    );
    if (created.status !== 201) {
      throw new Error(`POST /v1/users answered ${created.status}: ${JSON.stringify(created.body)}`);
    }
    return { userId: created.body.id, token: (await logIn(http, email, password)).accessToken };
  });

  const db = createPgDb({
    connectionString: options.deliveryDatabaseUrl,
    max: 1,
    applicationName: `${BENCH_APPLICATION}-couriers`,
  });
  try {
    const userIds = accounts.map((a) => a.userId);
    await seedCouriers(db, demoCouriers(userIds), { schema: DELIVERY_SCHEMA });
    const { rowCount } = await db.query(
      `UPDATE "${DELIVERY_SCHEMA}".couriers SET available = false, updated_at = now()
       WHERE available AND NOT (user_id = ANY($1::text[]))`,
      [userIds],
    );
    log(`${accounts.length} courier rows seeded; ${rowCount} other couriers made unavailable`);
  } finally {
    await db.close();
  }
  return accounts;
}

async function operatorToken(http: HttpClient, credentialsFile: string): Promise<string> {
  const { accounts } = JSON.parse(await readFile(credentialsFile, 'utf8')) as DemoCredentials;
  const operator = accounts.find((a) => a.role === 'operator');
  if (!operator) throw new Error(`no operator account in ${credentialsFile}`);
  return (await logIn(http, operator.email, operator.password)).accessToken;
}

/** `fn(0) … fn(count − 1)`, at most `limit` at a time; the results in index order. */
export async function mapInFlight<T>(count: number, limit: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await fn(i);
      }
    }),
  );
  return results;
}

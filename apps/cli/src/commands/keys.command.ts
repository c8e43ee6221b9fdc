// `ordo keys rotate`: rotates Ordo's keys with no downtime: the gateway's token signing key, and
// the data-encryption keys of every service (ADR 0023: new data keys become current, every stored
// one is re-wrapped under the current master key), and the users' email lookup hashes (re-computed
// under the current master key's lookup key). Three ways to reach the keys:
// - `--cluster <stateDir>`: every database of a cluster `ordo cluster up` started (the distributed
//   shape on one machine), with the master key from ORDO_MASTER_KEY or the cluster's dev key file;
// - `--database <postgres url>`: one database (the gateway's, or any service's): what it holds;
// - `--url <gateway> --token <operator token>`: a running gateway does it, the only way in the
//   embedded shape (its PGlite data dir belongs to one process).
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AUDIT_SCHEMA } from '@ordo/audit';
import { DbKeyStore, type SigningKeyRotation } from '@ordo/auth';
import { type DataKeyRotation, DbDataKeyStore, FieldCipher, type Keyring, purposesOf } from '@ordo/crypto';
import { createPgDb, type Db } from '@ordo/db';
import { DELIVERY_SCHEMA } from '@ordo/delivery';
import { GATEWAY_SCHEMA, recomputeEmailLookups } from '@ordo/gateway';
import { ORDER_SCHEMA } from '@ordo/order';
import { QUERY_SCHEMA } from '@ordo/query';
import { clusterDatabaseUrls } from '../cluster/cluster.js';
import { hostKeyring, masterKeySettings } from '../host/field-keys.js';

export interface KeysRotateOptions {
  /** One PostgreSQL database: the gateway's, or any service's. */
  database?: string;
  /** A running gateway, e.g. http://127.0.0.1:3000. */
  url?: string;
  /** An operator's access token, for `url` (default: env ORDO_OPERATOR_TOKEN). */
  token?: string;
  /** The state dir of a cluster `ordo cluster up` started: every one of its databases. */
  cluster?: string;
}

/** What was rotated: the signing key (where the gateway's database was reached), and data keys per schema. */
export interface KeyRotationReport {
  signing?: SigningKeyRotation;
  dataKeys: Record<string, DataKeyRotation>;
  /** Users' email lookup hashes re-computed under the current master key (where the gateway's database was reached). */
  emailLookups?: number;
}

export class KeysCommandError extends Error {}

/** The service owning each schema that holds data keys: its purposes are the ones rotated there. */
const SERVICE_OF_SCHEMA: Readonly<Record<string, string>> = {
  [GATEWAY_SCHEMA]: 'gateway',
  [ORDER_SCHEMA]: 'order',
  [DELIVERY_SCHEMA]: 'delivery',
  [QUERY_SCHEMA]: 'query',
  [AUDIT_SCHEMA]: 'audit',
};

export async function keysRotate(
  options: KeysRotateOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<KeyRotationReport> {
  const ways = [options.database, options.url, options.cluster].filter(Boolean).length;
  if (ways > 1) throw new KeysCommandError('give one of --cluster, --database or --url');
  if (options.url) return rotateThroughGateway(options.url, options.token ?? env.ORDO_OPERATOR_TOKEN);
  if (options.cluster) return rotateCluster(resolve(options.cluster), env);
  const database = options.database ?? env.DATABASE_URL;
  if (!database) {
    throw new KeysCommandError(
      'where are the keys? --cluster <state dir>, --database <postgres url> (or DATABASE_URL), or --url <gateway url> with an operator token',
    );
  }
  const settings = masterKeySettings(env);
  if (!settings.masterKey) {
    throw new KeysCommandError('--database needs the master key the data keys are wrapped under: ORDO_MASTER_KEY');
  }
  const keyring = await hostKeyring(settings, '');
  return rotateDatabases([database], keyring);
}

/**
 * Every database of the cluster: data keys first (each service picks the new ones up within its
 * cache age, default 60 s), then the gateway's signing key, sealed with its new data key.
 */
async function rotateCluster(stateDir: string, env: NodeJS.ProcessEnv): Promise<KeyRotationReport> {
  const state = await readFile(join(stateDir, 'cluster.json'), 'utf8').then(
    (text) => JSON.parse(text) as { name: string; postgresUrl: string },
    () => {
      throw new KeysCommandError(`no cluster state in ${join(stateDir, 'cluster.json')}: is the cluster up?`);
    },
  );
  const keyring = await hostKeyring(masterKeySettings(env), stateDir);
  return rotateDatabases(Object.values(clusterDatabaseUrls(state.postgresUrl, state.name)), keyring);
}

/** Data keys (then the signing key, where the gateway's schema is) in each database: `--cluster`'s work. */
export async function rotateDatabases(urls: readonly string[], keyring: Keyring): Promise<KeyRotationReport> {
  const report: KeyRotationReport = { dataKeys: {} };
  for (const url of urls) {
    const db = createPgDb({ connectionString: url, max: 1, applicationName: 'ordo-keys' });
    try {
      const schemas = await dataKeySchemas(db);
      for (const schema of schemas) {
        const store = new DbDataKeyStore(db, schema, keyring.restrictTo(purposesOf(SERVICE_OF_SCHEMA[schema]!)));
        report.dataKeys[schema] = await store.rotate();
      }
      if (schemas.includes(GATEWAY_SCHEMA)) {
        report.signing = await rotateSigningKey(db, keyring);
        // After the data keys: the gateway stores new hashes under the new master key from now on.
        report.emailLookups = await recomputeEmailLookups(db, keyring.restrictTo(purposesOf('gateway')));
      }
    } finally {
      await db.close();
    }
  }
  if (!report.signing && Object.keys(report.dataKeys).length === 0) {
    throw new KeysCommandError('no Ordo keys in the database(s) given: is this an Ordo database, started once?');
  }
  return report;
}

/** The schemas of `db` that hold data keys and belong to a service that has purposes. */
async function dataKeySchemas(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ schema: string }>(
    `SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'data_keys' ORDER BY 1`,
  );
  return rows.map((r) => r.schema).filter((schema) => SERVICE_OF_SCHEMA[schema] !== undefined);
}

/**
 * New tokens are signed with a new key from now on (other replicas switch within a minute); the
 * old key stays in the JWKS until its tokens have expired, and keys older than that are dropped.
 */
export async function rotateSigningKey(db: Db, keyring: Keyring): Promise<SigningKeyRotation> {
  const { rows } = await db.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [
    `${GATEWAY_SCHEMA}.signing_keys`,
  ]);
  if (!rows[0]?.present) {
    throw new KeysCommandError(
      `no ${GATEWAY_SCHEMA}.signing_keys table: is this the gateway's database, started once?`,
    );
  }
  const own = keyring.restrictTo(purposesOf('gateway'));
  const cipher = new FieldCipher({ keyring: own, dataKeys: new DbDataKeyStore(db, GATEWAY_SCHEMA, own) });
  return new DbKeyStore(db, GATEWAY_SCHEMA, { cipher }).rotate();
}

async function rotateThroughGateway(url: string, token: string | undefined): Promise<KeyRotationReport> {
  if (!token) throw new KeysCommandError('--url needs an operator access token: --token or ORDO_OPERATOR_TOKEN');
  const res = await fetch(new URL('/v1/ops/keys/rotate', url), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json().catch(() => undefined)) as
    | (KeyRotationReport & { error?: { code?: string; message?: string } })
    | undefined;
  if (!res.ok || !body?.signing) {
    const error = body?.error;
    throw new KeysCommandError(
      `the gateway refused the rotation: ${res.status}${error ? ` ${error.code}: ${error.message}` : ''}`,
    );
  }
  return { signing: body.signing, dataKeys: body.dataKeys ?? {} };
}

// `ordo keys rotate`: rotates Ordo's keys, one function per kind of key (today the gateway's
// token signing key; data-encryption keys join here). Two ways to reach the keys:
// `--database <postgres url>` rotates directly in the gateway's database (single-node and
// distributed shapes); `--url <gateway> --token <operator token>` asks a running gateway to do it,
// which is the only way in the embedded shape (its PGlite data dir belongs to one process).
import { DbKeyStore, type SigningKeyRotation } from '@ordo/auth';
import { createPgDb, type Db } from '@ordo/db';
import { GATEWAY_SCHEMA } from '@ordo/gateway';

export interface KeysRotateOptions {
  /** The gateway's PostgreSQL database. */
  database?: string;
  /** A running gateway, e.g. http://127.0.0.1:3000. */
  url?: string;
  /** An operator's access token, for `url` (default: env ORDO_OPERATOR_TOKEN). */
  token?: string;
}

/** What was rotated, per kind of key. */
export interface KeyRotationReport {
  signing: SigningKeyRotation;
}

export class KeysCommandError extends Error {}

export async function keysRotate(
  options: KeysRotateOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<KeyRotationReport> {
  if (options.database && options.url) throw new KeysCommandError('give either --database or --url, not both');
  if (options.url) return rotateThroughGateway(options.url, options.token ?? env.ORDO_OPERATOR_TOKEN);
  const database = options.database ?? env.DATABASE_URL;
  if (!database) {
    throw new KeysCommandError(
      'where are the keys? --database <postgres url> (or DATABASE_URL), or --url <gateway url> with an operator token',
    );
  }
  const db = createPgDb({ connectionString: database, max: 1, applicationName: 'ordo-keys' });
  try {
    return { signing: await rotateSigningKey(db) };
  } finally {
    await db.close();
  }
}

/**
 * New tokens are signed with a new key from now on (other replicas switch within a minute); the
 * old key stays in the JWKS until its tokens have expired, and keys older than that are dropped.
 */
export async function rotateSigningKey(db: Db): Promise<SigningKeyRotation> {
  const { rows } = await db.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [
    `${GATEWAY_SCHEMA}.signing_keys`,
  ]);
  if (!rows[0]?.present) {
    throw new KeysCommandError(
      `no ${GATEWAY_SCHEMA}.signing_keys table: is this the gateway's database, started once?`,
    );
  }
  return new DbKeyStore(db, GATEWAY_SCHEMA).rotate();
}

async function rotateThroughGateway(url: string, token: string | undefined): Promise<KeyRotationReport> {
  if (!token) throw new KeysCommandError('--url needs an operator access token: --token or ORDO_OPERATOR_TOKEN');
  const res = await fetch(new URL('/v1/ops/keys/rotate', url), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
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
  return { signing: body.signing };
}

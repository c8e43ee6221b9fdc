// `ordo audit verify`: recomputes the audit log's hash chain and checks its signed checkpoints,
// straight from the audit service's PostgreSQL database (single-node and distributed shapes; the
// embedded shape answers the same at GET /v1/ops/audit/verify). Prints OK with the count and the
// head hash, or the first bad entry; the caller exits non-zero on a failure.
import { AUDIT_SCHEMA, type VerifyLogResult, verifyAuditDatabase } from '@ordo/audit';
import { createPgDb } from '@ordo/db';

export interface AuditVerifyOptions {
  /** The audit service's PostgreSQL database (default: env DATABASE_URL). */
  database?: string;
  /** The schema holding the log (default `audit`). */
  schema?: string;
  /**
   * The checkpoint key's public half (SPKI DER, base64), pinned by the operator. Without it the
   * key stored next to the log is used, which whoever can rewrite the log can replace too.
   */
  publicKey?: string;
}

export class AuditCommandError extends Error {}

export interface AuditVerifyReport {
  readonly ok: boolean;
  /** What the command prints. */
  readonly text: string;
  readonly result: VerifyLogResult;
}

export async function auditVerify(
  options: AuditVerifyOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AuditVerifyReport> {
  const database = options.database ?? env.DATABASE_URL;
  if (!database) throw new AuditCommandError('where is the audit log? --database <postgres url> (or DATABASE_URL)');
  const db = createPgDb({ connectionString: database, max: 1, applicationName: 'ordo-audit-verify' });
  try {
    const result = await verifyAuditDatabase(db, options.schema ?? AUDIT_SCHEMA, options.publicKey);
    return { ok: result.ok, text: describe(result, options.publicKey !== undefined), result };
  } finally {
    await db.close();
  }
}

function describe(result: VerifyLogResult, pinned: boolean): string {
  if (!result.ok) {
    const { position, failure, reason } = result.firstBad;
    return `FAILED: entry ${position} (${failure}): ${reason} [${result.count} entries read]`;
  }
  const key = pinned ? 'pinned key' : 'stored key (pin it with --public-key)';
  return (
    `OK: ${result.count} entries, head ${result.headPosition} ${result.headHash}, ` +
    `${result.checkpoints} signed checkpoints checked with the ${key}`
  );
}

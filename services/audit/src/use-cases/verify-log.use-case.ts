// Verifies the stored log against its checkpoints. The public key is the one pinned by the
// operator when given, the stored one otherwise (which whoever can rewrite the tables can also
// replace: pin it for a verification that does not trust the database).
import type { SqlExecutor } from '@ordo/db';
import type { AuditLogRepository } from '../data-access/audit-log.repository.js';
import type { SigningKeyRepository } from '../data-access/signing-key.repository.js';
import { publicKeyFromBase64 } from '../domain/checkpoint.js';
import { type VerifyResult, verifyAuditLog } from '../domain/verify-audit-log.js';

export interface VerifyLogDeps {
  readonly log: AuditLogRepository;
  readonly keys: SigningKeyRepository;
}

/** The result, and the public key (SPKI DER, base64) the checkpoints were checked with. */
export type VerifyLogResult = VerifyResult & { readonly publicKey: string | null };

export async function verifyLog(
  deps: VerifyLogDeps,
  db: SqlExecutor,
  pinnedPublicKey?: string,
): Promise<VerifyLogResult> {
  const entries = await deps.log.all(db);
  const checkpoints = await deps.log.allCheckpoints(db);
  if (pinnedPublicKey) {
    return {
      ...verifyAuditLog(entries, checkpoints, publicKeyFromBase64(pinnedPublicKey)),
      publicKey: pinnedPublicKey,
    };
  }
  const stored = await deps.keys.publicKey(db);
  return { ...verifyAuditLog(entries, checkpoints, stored?.key), publicKey: stored?.base64 ?? null };
}

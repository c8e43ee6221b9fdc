// Verification of a log in a database the caller opened (`ordo audit verify`), without building
// the service.
import type { SqlExecutor } from '@ordo/db';
import { AuditLogRepository } from '../data-access/audit-log.repository.js';
import { SigningKeyRepository } from '../data-access/signing-key.repository.js';
import { type VerifyLogResult, verifyLog } from './verify-log.use-case.js';

export function verifyAuditDatabase(db: SqlExecutor, schema: string, publicKey?: string): Promise<VerifyLogResult> {
  return verifyLog({ log: new AuditLogRepository(schema), keys: new SigningKeyRepository(schema) }, db, publicKey);
}

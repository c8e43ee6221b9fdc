// What the audit use cases need, built once in main.ts.
import type { Db } from '@ordo/db';
import type { Logger } from '@ordo/logger';
import type { AuditLogRepository } from '../data-access/audit-log.repository.js';
import type { AuditSigningKey, SigningKeyRepository } from '../data-access/signing-key.repository.js';

export interface AuditDeps {
  readonly db: Db;
  readonly now: () => Date;
  readonly log: AuditLogRepository;
  readonly keys: SigningKeyRepository;
  /** The checkpoint key, loaded (or made) at start. */
  signingKey(): AuditSigningKey;
  /** A checkpoint is signed in the transaction of every entry whose position is a multiple of this. */
  readonly checkpointEvery: number;
  readonly logger: Logger;
}

// @ordo/audit: the append-only, hash-chained audit log of money movements and account changes,
// with signed checkpoints and its verification (ADR 0022).
export { AuditLogRepository, type EntryFilter } from './data-access/audit-log.repository.js';
export { AUDIT_WRITER_ROLE, auditMigrations } from './data-access/migrations.js';
export { type AuditEntry, type AuditEntryFields, chainEntry, entryHash, GENESIS_HASH } from './domain/audit-entry.js';
export { canonicalJson } from './domain/canonical-json.js';
export { type Checkpoint, publicKeyFromBase64, signCheckpoint } from './domain/checkpoint.js';
export { type BadEntry, VerifyFailure, type VerifyResult, verifyAuditLog } from './domain/verify-audit-log.js';
export {
  AUDIT_SCHEMA,
  type AuditService,
  type AuditServiceOptions,
  auditServiceMigrations,
  createAuditService,
} from './main.js';
export { verifyAuditDatabase } from './use-cases/verify-database.js';
export type { VerifyLogResult } from './use-cases/verify-log.use-case.js';

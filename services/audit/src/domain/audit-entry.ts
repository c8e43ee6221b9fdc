// One entry of the hash-chained audit log and how its hash is computed: each entry commits to the
// previous entry's hash, so changing, removing, inserting or moving any entry breaks every hash
// after it. Pure: no clock, no database.
import { createHash } from 'node:crypto';
import type { AuditActor, AuditState, AuditSubject } from '@ordo/contracts-audit';
import { canonicalJson } from './canonical-json.js';

/** The `prev_hash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an entry says, as hashed (everything but the chain fields). */
export interface AuditEntryFields {
  /** 1, 2, 3, … without gaps. */
  readonly position: number;
  /** The audit event's message id: the same event is never appended twice. */
  readonly eventId: string;
  readonly action: string;
  readonly actor: AuditActor;
  readonly subject: AuditSubject;
  /** ISO-8601 UTC with milliseconds, when the change committed in its service. */
  readonly occurredAt: string;
  /** ISO-8601 UTC with milliseconds, when the audit service appended it. */
  readonly recordedAt: string;
  readonly before: AuditState | null;
  readonly after: AuditState | null;
  readonly correlationId: string;
}

export interface AuditEntry extends AuditEntryFields {
  readonly prevHash: string;
  readonly hash: string;
}

/** SHA-256(prev_hash ‖ canonical JSON of the entry's fields), hex. */
export function entryHash(prevHash: string, fields: AuditEntryFields): string {
  const body = canonicalJson({
    position: fields.position,
    eventId: fields.eventId,
    action: fields.action,
    actor: fields.actor,
    subject: fields.subject,
    occurredAt: fields.occurredAt,
    recordedAt: fields.recordedAt,
    before: fields.before,
    after: fields.after,
    correlationId: fields.correlationId,
  });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

/** The entry that follows `head` (or starts the chain when there is none). */
export function chainEntry(
  head: Pick<AuditEntry, 'position' | 'hash'> | undefined,
  fields: Omit<AuditEntryFields, 'position'>,
): AuditEntry {
  const prevHash = head?.hash ?? GENESIS_HASH;
  const withPosition = { ...fields, position: (head?.position ?? 0) + 1 };
  return { ...withPosition, prevHash, hash: entryHash(prevHash, withPosition) };
}

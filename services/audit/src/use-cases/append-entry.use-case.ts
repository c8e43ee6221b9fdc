// Appends one audit event to the chain, in the consumer's inbox transaction: a redelivered event
// is a no-op (the inbox, and the unique event id behind it). Every `checkpointEvery` entries the
// same transaction signs a checkpoint of the new head.
import type { AuditRecorded } from '@ordo/contracts-audit';
import { type SqlExecutor, together } from '@ordo/db';
import type { Envelope } from '@ordo/messaging';
import { type AuditEntry, chainEntry } from '../domain/audit-entry.js';
import { signCheckpoint } from '../domain/checkpoint.js';
import { segmentBreak } from '../domain/verify-audit-log.js';
import type { AuditDeps } from './audit.deps.js';

export async function appendEntry(
  deps: AuditDeps,
  tx: SqlExecutor,
  envelope: Envelope,
  event: AuditRecorded,
): Promise<AuditEntry> {
  const { head, known } = await deps.log.lockHead(tx, envelope.id);
  if (known) {
    await deps.log.release(tx);
    return known;
  }
  const entry = chainEntry(head, {
    eventId: envelope.id,
    action: event.action,
    actor: event.actor,
    subject: event.subject,
    // Milliseconds in UTC: the form the database gives back, so the hash survives the round trip.
    occurredAt: new Date(event.occurredAt).toISOString(),
    recordedAt: deps.now().toISOString(),
    before: event.before,
    after: event.after,
    correlationId: event.correlationId,
  });
  if (entry.position % deps.checkpointEvery === 0) {
    await deps.log.insert(tx, entry);
    await checkpointHead(deps, tx, entry);
    await deps.log.release(tx);
  } else {
    // The entry, then back to the session's role: issued together, run by the server in order.
    await together(deps.log.insert(tx, entry), deps.log.release(tx));
  }
  return entry;
}

/** Signs a checkpoint of the head now unless the last one already covers it. Returns its position. */
export async function writeCheckpoint(deps: AuditDeps): Promise<number | undefined> {
  return deps.db.transaction(async (tx) => {
    const { head } = await deps.log.lockHead(tx);
    try {
      if (!head || head.position <= (await deps.log.lastCheckpointPosition(tx))) return undefined;
      return (await checkpointHead(deps, tx, head)) ? head.position : undefined;
    } finally {
      await deps.log.release(tx);
    }
  });
}

/**
 * Signs the head, after checking the entries since the last checkpoint: a signature must never
 * bless entries someone changed in between. A broken chain is left unsigned and logged (appends
 * go on: verification names the break).
 */
async function checkpointHead(
  deps: AuditDeps,
  tx: SqlExecutor,
  head: Pick<AuditEntry, 'position' | 'hash'>,
): Promise<boolean> {
  const since = await deps.log.lastCheckpointPosition(tx);
  const [anchor, ...segment] = await deps.log.range(tx, since, head.position);
  const broken =
    since === 0 ? segmentBreak(anchor ? [anchor, ...segment] : [], undefined) : segmentBreak(segment, anchor);
  if (broken || (since > 0 && !anchor)) {
    deps.logger.error(
      { position: broken?.position ?? since, reason: broken?.reason ?? 'the last checkpoint’s entry is gone' },
      'the audit chain does not verify since the last checkpoint: no checkpoint signed; run `ordo audit verify`',
    );
    return false;
  }
  const key = deps.signingKey();
  const checkpoint = signCheckpoint(
    { position: head.position, headHash: head.hash, signedAt: deps.now().toISOString(), keyId: key.id },
    key.privateKey,
  );
  await deps.log.insertCheckpoint(tx, checkpoint);
  return true;
}

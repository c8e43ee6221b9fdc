// Checks a whole audit log: the chain (positions 1…n without gaps, each entry's prev_hash is the
// previous entry's hash, each hash matches the entry's content) and every signed checkpoint (a
// valid signature over a head the chain still has). Names the first bad position and why.
import type { KeyObject } from 'node:crypto';
import { type AuditEntry, entryHash, GENESIS_HASH } from './audit-entry.js';
import { type Checkpoint, checkpointSignatureValid } from './checkpoint.js';

export const VerifyFailure = {
  /** An entry is missing (deleted) or one is there that should not be (inserted, moved). */
  Position: 'position',
  /** prev_hash is not the previous entry's hash: an entry before it was removed, added or moved. */
  Link: 'link',
  /** The hash does not match the entry's content: the entry was edited. */
  Content: 'content',
  /** A checkpoint's signature does not verify with the public key. */
  Signature: 'signature',
  /** The chain's hash at a checkpoint differs from the signed one: rewritten since, hashes recomputed. */
  Rewritten: 'rewritten',
  /** The chain ends before a checkpoint's position: entries at its end were deleted. */
  Truncated: 'truncated',
} as const;
export type VerifyFailure = (typeof VerifyFailure)[keyof typeof VerifyFailure];

export interface BadEntry {
  readonly position: number;
  readonly failure: VerifyFailure;
  readonly reason: string;
}

export type VerifyResult =
  | {
      readonly ok: true;
      readonly count: number;
      readonly headPosition: number;
      readonly headHash: string;
      readonly checkpoints: number;
    }
  | { readonly ok: false; readonly count: number; readonly firstBad: BadEntry };

/**
 * `entries` in stored order (by position, as read); `checkpoints` in any order. Without a public
 * key (none was ever made) any checkpoint is a forgery.
 */
export function verifyAuditLog(
  entries: readonly AuditEntry[],
  checkpoints: readonly Checkpoint[],
  publicKey: KeyObject | undefined,
): VerifyResult {
  const found: BadEntry[] = [];
  const chainBad = firstChainBreak(entries);
  if (chainBad) found.push(chainBad);
  const checkpointBad = firstCheckpointBreak(entries, checkpoints, publicKey);
  if (checkpointBad) found.push(checkpointBad);
  const [first] = found.sort((a, b) => a.position - b.position);
  if (first) return { ok: false, count: entries.length, firstBad: first };
  const head = entries.at(-1);
  return {
    ok: true,
    count: entries.length,
    headPosition: head?.position ?? 0,
    headHash: head?.hash ?? GENESIS_HASH,
    checkpoints: checkpoints.length,
  };
}

/**
 * The first break in `entries`, a run of the chain that follows `anchor` (the entry before it;
 * none for the chain's start): what the service checks before it signs a checkpoint.
 */
export function segmentBreak(
  entries: readonly AuditEntry[],
  anchor: Pick<AuditEntry, 'position' | 'hash'> | undefined,
): BadEntry | undefined {
  return firstChainBreak(entries, anchor?.position ?? 0, anchor?.hash ?? GENESIS_HASH);
}

function firstChainBreak(entries: readonly AuditEntry[], start = 0, startHash = GENESIS_HASH): BadEntry | undefined {
  let prevHash = startHash;
  for (const [index, entry] of entries.entries()) {
    const expected = start + index + 1;
    if (entry.position !== expected) {
      const reason =
        entry.position > expected
          ? `entry ${expected} is missing (the next stored entry is ${entry.position})`
          : `entry ${entry.position} appears again after entry ${expected - 1}: inserted or moved`;
      return { position: expected, failure: VerifyFailure.Position, reason };
    }
    if (entry.prevHash !== prevHash) {
      return {
        position: expected,
        failure: VerifyFailure.Link,
        reason: `prev_hash does not match the hash of entry ${expected - 1}: an entry was removed, added or moved`,
      };
    }
    if (entryHash(entry.prevHash, entry) !== entry.hash) {
      return {
        position: expected,
        failure: VerifyFailure.Content,
        reason: 'hash does not match the entry’s content: the entry was edited',
      };
    }
    prevHash = entry.hash;
  }
  return undefined;
}

function firstCheckpointBreak(
  entries: readonly AuditEntry[],
  checkpoints: readonly Checkpoint[],
  publicKey: KeyObject | undefined,
): BadEntry | undefined {
  const byPosition = new Map(entries.map((e) => [e.position, e]));
  let previous = 0;
  for (const checkpoint of [...checkpoints].sort((a, b) => a.position - b.position)) {
    if (!publicKey || !checkpointSignatureValid(checkpoint, publicKey)) {
      return {
        position: checkpoint.position,
        failure: VerifyFailure.Signature,
        reason: `the checkpoint at position ${checkpoint.position} is not signed by the audit key`,
      };
    }
    const entry = byPosition.get(checkpoint.position);
    if (!entry) {
      const last = entries.length;
      return {
        position: Math.min(last + 1, checkpoint.position),
        failure: VerifyFailure.Truncated,
        reason: `the log ends at entry ${last}, before the checkpoint at position ${checkpoint.position}`,
      };
    }
    if (entry.hash !== checkpoint.headHash) {
      return {
        position: checkpoint.position,
        failure: VerifyFailure.Rewritten,
        reason:
          `the hash at position ${checkpoint.position} differs from its signed checkpoint ` +
          `(${checkpoint.signedAt}): entries ${previous + 1}–${checkpoint.position} were rewritten`,
      };
    }
    previous = checkpoint.position;
  }
  return undefined;
}

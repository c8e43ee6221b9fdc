// A signed checkpoint: the chain's head (position and hash) at a time, signed with the audit
// service's Ed25519 key. Rewriting the chain after a checkpoint (recomputing every hash) changes
// the hash at the checkpoint's position, which the signature still vouches for.
import { createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

export interface Checkpoint {
  readonly position: number;
  readonly headHash: string;
  /** ISO-8601 UTC with milliseconds. */
  readonly signedAt: string;
  readonly keyId: string;
  /** Ed25519 signature of `checkpointMessage`, base64. */
  readonly signature: string;
}

export type UnsignedCheckpoint = Omit<Checkpoint, 'signature'>;

export function checkpointMessage(checkpoint: UnsignedCheckpoint): Buffer {
  return Buffer.from(
    canonicalJson({
      position: checkpoint.position,
      headHash: checkpoint.headHash,
      signedAt: checkpoint.signedAt,
      keyId: checkpoint.keyId,
    }),
  );
}

export function signCheckpoint(checkpoint: UnsignedCheckpoint, privateKey: KeyObject): Checkpoint {
  return { ...checkpoint, signature: sign(null, checkpointMessage(checkpoint), privateKey).toString('base64') };
}

export function checkpointSignatureValid(checkpoint: Checkpoint, publicKey: KeyObject): boolean {
  try {
    return verify(null, checkpointMessage(checkpoint), publicKey, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    return false;
  }
}

/** A public key from its SPKI DER, base64 (how the service stores and prints it). */
export function publicKeyFromBase64(spki: string): KeyObject {
  return createPublicKey({ key: Buffer.from(spki, 'base64'), format: 'der', type: 'spki' });
}

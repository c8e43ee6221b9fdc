import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chainEntry, entryHash, GENESIS_HASH } from './audit-entry.js';
import { canonicalJson } from './canonical-json.js';
import { checkpointSignatureValid, signCheckpoint } from './checkpoint.js';
import { verifyAuditLog } from './verify-audit-log.js';

const fields = {
  eventId: 'evt-1',
  action: 'account.created',
  actor: { kind: 'service', service: 'gateway' },
  subject: { type: 'account', id: 'u-1' },
  occurredAt: '2026-01-01T00:00:00.000Z',
  recordedAt: '2026-01-01T00:00:01.000Z',
  before: null,
  after: { role: 'courier' },
  correlationId: 'corr-1',
} as const;

describe('audit entry', () => {
  it('when keys come in another order (as jsonb returns them), then the canonical JSON and the hash are the same', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    const entry = chainEntry(undefined, fields);
    const reordered = { ...entry, after: JSON.parse('{"role":"courier"}'), subject: { id: 'u-1', type: 'account' } };
    expect(entryHash(GENESIS_HASH, reordered)).toBe(entry.hash);
  });

  it('when entries are chained, then each starts from the previous hash at the next position', () => {
    const first = chainEntry(undefined, fields);
    const second = chainEntry(first, { ...fields, eventId: 'evt-2' });
    expect(first).toMatchObject({ position: 1, prevHash: GENESIS_HASH });
    expect(second).toMatchObject({ position: 2, prevHash: first.hash });
  });

  it('when a checkpoint is signed, then it verifies with the public key only while unchanged', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const checkpoint = signCheckpoint(
      { position: 1, headHash: 'a'.repeat(64), signedAt: '2026-01-01T00:00:00.000Z', keyId: 'k' },
      privateKey,
    );
    expect(checkpointSignatureValid(checkpoint, publicKey)).toBe(true);
    expect(checkpointSignatureValid({ ...checkpoint, position: 2 }, publicKey)).toBe(false);
    expect(verifyAuditLog([], [], undefined)).toEqual({
      ok: true,
      count: 0,
      headPosition: 0,
      headHash: GENESIS_HASH,
      checkpoints: 0,
    });
    expect(verifyAuditLog([], [checkpoint], undefined)).toMatchObject({
      ok: false,
      firstBad: { failure: 'signature' },
    });
  });
});

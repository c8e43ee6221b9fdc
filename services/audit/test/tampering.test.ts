// The hash chain against 1,000 random tamperings of a real log (built through the service's
// consumer, then copied in memory for each operation): every one is detected, at the entry that
// was tampered with (or, where the chain cannot tell, at the first entry it can).
import { openTestDatabase, seededRandom, type TestDatabase } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuditEntry,
  type Checkpoint,
  entryHash,
  publicKeyFromBase64,
  VerifyFailure,
  verifyAuditLog,
} from '../src/index.js';
import { type AuditHarness, randomEvent, startAudit } from './support/audit.harness.js';

const ENTRIES = 120;
const CHECKPOINT_EVERY = 25;
const OPERATIONS = 1_000;

type Tamper = { name: string; entries: AuditEntry[]; expected: number; failure?: VerifyFailure };

describe('audit log tampering', () => {
  let database: TestDatabase;
  let harness: AuditHarness;
  let log: AuditEntry[];
  let checkpoints: Checkpoint[];
  let publicKey: ReturnType<typeof publicKeyFromBase64>;

  beforeAll(async () => {
    database = await openTestDatabase('postgres', { prefix: 'ordo_audit' });
    harness = await startAudit(database.db, { checkpointEvery: CHECKPOINT_EVERY });
    const random = seededRandom(7);
    await harness.publish(Array.from({ length: ENTRIES }, (_, i) => randomEvent(random, i)));
    await harness.waitForEntries(ENTRIES);
    await harness.service.checkpoint();
    log = await harness.entries();
    checkpoints = await harness.checkpoints();
    const verified = await harness.service.verify();
    publicKey = publicKeyFromBase64(verified.publicKey ?? '');
  });

  afterAll(async () => {
    await harness?.close();
    await database?.close();
  });

  it('when the log is untouched, then it verifies, with a checkpoint every 25 entries and one at the head', () => {
    expect(log.map((e) => e.position)).toEqual(Array.from({ length: ENTRIES }, (_, i) => i + 1));
    expect(checkpoints.map((c) => c.position)).toEqual([25, 50, 75, 100, 120]);
    const result = verifyAuditLog(log, checkpoints, publicKey);
    expect(result).toMatchObject({ ok: true, count: ENTRIES, headPosition: ENTRIES, headHash: log.at(-1)?.hash });
  });

  it('when 1,000 random edits, deletions, insertions, swaps and tail rewrites are applied to copies, then every one is detected at its position', () => {
    const random = seededRandom(2026);
    const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
    const tallies = new Map<string, number>();
    for (let n = 0; n < OPERATIONS; n++) {
      const tamper = tamperings[int(0, tamperings.length - 1)]?.(structuredClone(log), int, checkpoints);
      if (!tamper) throw new Error('no tampering drawn');
      const result = verifyAuditLog(tamper.entries, checkpoints, publicKey);
      const context = `operation ${n}: ${tamper.name}`;
      expect(result.ok, context).toBe(false);
      if (result.ok) continue;
      expect(result.firstBad.position, `${context}: ${result.firstBad.reason}`).toBe(tamper.expected);
      if (tamper.failure) expect(result.firstBad.failure, context).toBe(tamper.failure);
      tallies.set(tamper.name, (tallies.get(tamper.name) ?? 0) + 1);
    }
    const detected = [...tallies.values()].reduce((a, b) => a + b, 0);
    console.log(`audit tampering: ${detected}/${OPERATIONS} detected`, Object.fromEntries(tallies));
    expect(detected).toBe(OPERATIONS);
  });

  it('when a checkpoint is forged or the log is cut short, then verification fails', () => {
    const forged = checkpoints.map((c, i) => (i === 1 ? { ...c, headHash: log[10]?.hash ?? '' } : c));
    expect(verifyAuditLog(log, forged, publicKey)).toMatchObject({
      ok: false,
      firstBad: { position: 50, failure: VerifyFailure.Signature },
    });
    expect(verifyAuditLog(log.slice(0, 60), checkpoints, publicKey)).toMatchObject({
      ok: false,
      firstBad: { position: 61, failure: VerifyFailure.Truncated },
    });
  });

  it('when an event is delivered again, then it is not appended twice', async () => {
    const [envelope] = await harness.publish([randomEvent(seededRandom(99), ENTRIES)]);
    await harness.waitForEntries(ENTRIES + 1);
    if (!envelope) throw new Error('nothing published');
    await harness.republish(envelope);
    const marker = await harness.publish([randomEvent(seededRandom(100), ENTRIES + 1)]);
    await harness.waitForEntries(ENTRIES + 2);
    const entries = await harness.entries();
    expect(entries.filter((e) => e.eventId === envelope.id)).toHaveLength(1);
    expect(entries.at(-1)?.eventId).toBe(marker[0]?.id);
    expect((await harness.service.verify()).ok).toBe(true);
  });
});

type Draw = (min: number, max: number) => number;
type Tampering = (entries: AuditEntry[], int: Draw, checkpoints: readonly Checkpoint[]) => Tamper;

function at(entries: AuditEntry[], position: number): AuditEntry {
  const entry = entries[position - 1];
  if (!entry) throw new Error(`no entry ${position}`);
  return entry;
}

/** Changes one field of an entry to a different value of the same kind. */
function editField(entry: AuditEntry, which: number): AuditEntry {
  switch (which % 10) {
    case 0:
      return { ...entry, action: entry.action === 'payment.refunded' ? 'payment.voided' : 'payment.refunded' };
    case 1:
      return { ...entry, actor: { kind: 'user', userId: 'mallory', role: 'operator' } };
    case 2:
      return { ...entry, subject: { ...entry.subject, id: `${entry.subject.id}x` } };
    case 3:
      return { ...entry, occurredAt: new Date(Date.parse(entry.occurredAt) + 1).toISOString() };
    case 4:
      return { ...entry, after: { ...entry.after, authorizedCents: 1 } };
    case 5:
      return { ...entry, before: entry.before === null ? { status: 'AUTHORIZED' } : null };
    case 6:
      return { ...entry, correlationId: `${entry.correlationId}-forged` };
    case 7:
      return { ...entry, eventId: `${entry.eventId}0` };
    case 8:
      return { ...entry, hash: entryHash(entry.hash, entry) };
    default:
      return { ...entry, prevHash: '1'.repeat(64) };
  }
}

/** Recomputes every hash from `from` on, as an attacker who knows the scheme would. */
function relink(entries: AuditEntry[], from: number): AuditEntry[] {
  for (let i = Math.max(from, 1) - 1; i < entries.length; i++) {
    const prevHash = i === 0 ? '0'.repeat(64) : at(entries, i).hash;
    const entry = { ...at(entries, i + 1), position: i + 1, prevHash };
    entries[i] = { ...entry, hash: entryHash(prevHash, entry) };
  }
  return entries;
}

const tamperings: Tampering[] = [
  (entries, int) => {
    const k = int(1, entries.length);
    entries[k - 1] = editField(at(entries, k), int(0, 9));
    return { name: 'edit', entries, expected: k };
  },
  (entries, int) => {
    const k = int(1, entries.length);
    entries.splice(k - 1, 1);
    return { name: 'delete', entries, expected: k };
  },
  (entries, int) => {
    // A copy of another entry, replayed in a new place.
    const k = int(1, entries.length);
    const source = int(1, entries.length);
    entries.splice(k - 1, 0, { ...at(entries, source) });
    // A copy put right before its original is indistinguishable from one put right after it.
    return { name: 'insert replayed entry', entries, expected: source === k ? k + 1 : k };
  },
  (entries, int, checkpoints) => {
    // A forged entry that links to its predecessor with a correct hash, the later ones renumbered:
    // the chain holds up to the forgery, so the first entry that breaks is the one it displaced,
    // unless a checkpoint signed the genuine entry at the forgery's position.
    const k = int(1, entries.length);
    const prevHash = k === 1 ? '0'.repeat(64) : at(entries, k - 1).hash;
    const forged = { ...editField(at(entries, k), 1), position: k, prevHash };
    entries.splice(k - 1, 0, { ...forged, hash: entryHash(prevHash, forged) });
    for (let i = k; i < entries.length; i++) entries[i] = { ...at(entries, i + 1), position: i + 1 };
    if (checkpoints.some((c) => c.position === k)) {
      return { name: 'insert linked forgery', entries, expected: k, failure: VerifyFailure.Rewritten };
    }
    return { name: 'insert linked forgery', entries, expected: k + 1, failure: VerifyFailure.Link };
  },
  (entries, int) => {
    const i = int(1, entries.length - 1);
    const j = int(i + 1, entries.length);
    const a = at(entries, i);
    entries[i - 1] = at(entries, j);
    entries[j - 1] = a;
    const renumber = int(0, 1) === 1;
    if (renumber) {
      entries[i - 1] = { ...at(entries, i), position: i };
      entries[j - 1] = { ...at(entries, j), position: j };
    }
    return { name: renumber ? 'swap renumbered' : 'swap', entries, expected: i };
  },
  (entries, int, checkpoints) => {
    // Edit one entry and recompute every hash after it: only a signed checkpoint can tell.
    const k = int(1, entries.length);
    entries[k - 1] = editField(at(entries, k), int(0, 6));
    relink(entries, k);
    const covering = checkpoints.map((c) => c.position).filter((p) => p >= k);
    return { name: 'rewrite tail', entries, expected: Math.min(...covering), failure: VerifyFailure.Rewritten };
  },
];

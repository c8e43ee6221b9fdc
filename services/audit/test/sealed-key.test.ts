// The audit checkpoint key is stored sealed (ADR 0023, purpose signing): a dump of the audit
// database holds no usable private key, and checkpoints still sign and verify.

import type { Db } from '@ordo/db';
import { createTestPgliteDb, seededRandom } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditHarness, randomEvent, startAudit } from './support/audit.harness.js';

describe('audit signing key at rest', () => {
  let db: Db;
  let harness: AuditHarness;

  beforeAll(async () => {
    db = await createTestPgliteDb();
    harness = await startAudit(db, { checkpointEvery: 1_000 });
  });
  afterAll(async () => {
    await harness?.close();
    await db?.close();
  });

  it('when the service has made its key, then the private key is stored sealed, and a checkpoint signed with it verifies', async () => {
    const { rows } = await db.query<{ private_key: string; public_key: string }>(
      'SELECT private_key, public_key FROM audit.audit_signing_keys',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.private_key).toMatch(/^ordo1\.signing\./);
    const random = seededRandom(3);
    await harness.publish(Array.from({ length: 3 }, (_, i) => randomEvent(random, i)));
    await harness.waitForEntries(3);
    expect(await harness.service.checkpoint()).toBe(3);
    expect(await harness.service.verify(rows[0]!.public_key)).toMatchObject({ ok: true });
  });
});

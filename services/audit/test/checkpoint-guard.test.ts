// The service never signs a checkpoint over entries changed since the last one: a superuser who
// switches the trigger off and edits a fresh entry cannot get the edit blessed by the next checkpoint.
import { openTestDatabase, seededRandom, type TestDatabase } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditHarness, randomEvent, startAudit } from './support/audit.harness.js';

describe('audit checkpoints', () => {
  let database: TestDatabase;
  let harness: AuditHarness;

  beforeAll(async () => {
    database = await openTestDatabase('postgres', { prefix: 'ordo_audit_guard' });
    harness = await startAudit(database.db, { checkpointEvery: 1_000 });
  });

  afterAll(async () => {
    await harness?.close();
    await database?.close();
  });

  it('when an entry after the last checkpoint was edited, then no checkpoint is signed and verify names the entry', async () => {
    const random = seededRandom(11);
    await harness.publish(Array.from({ length: 6 }, (_, i) => randomEvent(random, i)));
    await harness.waitForEntries(6);
    expect(await harness.service.checkpoint()).toBe(6);
    await harness.publish(Array.from({ length: 4 }, (_, i) => randomEvent(random, 6 + i)));
    await harness.waitForEntries(10);

    await database.db.transaction(async (tx) => {
      await tx.query('SET LOCAL session_replication_role = replica');
      await tx.query(`UPDATE audit.audit_log SET correlation_id = 'forged' WHERE position = 8`);
    });

    expect(await harness.service.checkpoint()).toBeUndefined();
    expect((await harness.checkpoints()).map((c) => c.position)).toEqual([6]);
    expect(await harness.service.verify()).toMatchObject({ ok: false, firstBad: { position: 8, failure: 'content' } });
  });
});

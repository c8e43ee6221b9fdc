// The delivery service keeps the dropoff sealed (ADR 0023): a command from before sealing (a clear
// address) is sealed on receipt, no clear column is written, and only the courier's job view opens
// it; rows stored in clear before are sealed and their clear columns emptied.
import { DbDataKeyStore, FieldCipher, SealedFields } from '@ordo/crypto';
import type { Db } from '@ordo/db';
import { createTestPgliteDb, MemoryTransport, testFieldKeys } from '@ordo/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sealClearDropoffs } from '../src/data-access/delivery.repository.js';
import { courier, type Harness, LISBON, startHarness } from './support/harness.js';
import { as } from './support/test-auth.js';

describe('delivery: sealed dropoff', () => {
  let h: Harness;
  let db: Db;
  beforeEach(async () => {
    db = await createTestPgliteDb();
    h = await startHarness(db, new MemoryTransport(), [courier('ana', LISBON)]);
  });
  afterEach(async () => {
    await h.close();
    await db.close();
  });

  it('when an assignment arrives with a clear dropoff, then the request and the delivery store it sealed only, and the courier reads it in clear', async () => {
    await h.assign('saga-1');
    await expect.poll(async () => (await h.replies()).length).toBeGreaterThan(0);
    for (const table of ['deliveries', 'assignment_requests']) {
      const { rows } = await db.query<{
        dropoff_sealed: string;
        dropoff_line1: string | null;
        dropoff_lat: number | null;
      }>(`SELECT dropoff_sealed, dropoff_line1, dropoff_lat FROM delivery.${table}`);
      expect(rows, table).toEqual([
        { dropoff_sealed: expect.stringMatching(/^ordo1\.address\./), dropoff_line1: null, dropoff_lat: null },
      ]);
    }
    const jobs = await h.app.inject({ method: 'GET', url: '/v1/courier/jobs', headers: as('ana', 'courier') });
    expect(jobs.json()).toMatchObject({ current: { dropoff: { line1: 'Rua Augusta 100' }, contact: null } });
  });

  it('when deliveries were stored in clear before sealing, then they are sealed and their clear columns emptied, and they still open', async () => {
    await db.query(
      `INSERT INTO delivery.deliveries (id, order_id, saga_id, restaurant_id, courier_id, status, pickup_lat,
         pickup_lng, dropoff_lat, dropoff_lng, dropoff_line1, correlation_id, assigned_at, updated_at)
       VALUES ('d-old', 'o-old', 's-old', 'r', 'courier-ana', 'DELIVERED', 0, 0, 38.7, -9.1, 'Rua Velha 1', 'c', now(), now())`,
    );
    const { keyring } = testFieldKeys('delivery');
    const cipher = new FieldCipher({ keyring, dataKeys: new DbDataKeyStore(db, 'delivery', keyring) });
    const seal = (address: unknown) => cipher.seal(SealedFields.deliveryAddress, address);
    expect(await sealClearDropoffs(db, 'delivery.deliveries', seal)).toBe(1);
    expect(await sealClearDropoffs(db, 'delivery.deliveries', seal)).toBe(0);
    const { rows } = await db.query<{ dropoff_sealed: string; dropoff_line1: string | null }>(
      `SELECT dropoff_sealed, dropoff_line1 FROM delivery.deliveries WHERE id = 'd-old'`,
    );
    expect(rows[0]!.dropoff_line1).toBeNull();
    expect(await cipher.open(SealedFields.deliveryAddress, rows[0]!.dropoff_sealed)).toEqual({
      lat: 38.7,
      lng: -9.1,
      line1: 'Rua Velha 1',
    });
  });
});

// The query service's views hold the address and contact as the order service sealed them (ADR
// 0023): the Redis or in-memory store has no clear copy; the customer's read opens them.
import { OrderEvents } from '@ordo/contracts-order';
import { DbDataKeyStore, FieldCipher, SealedFields } from '@ordo/crypto';
import { testFieldKeys } from '@ordo/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { EventLog } from './support/events.js';
import { type Harness, memoryStore, redisStore, startHarness } from './support/harness.js';

const address = { lat: 38.71, lng: -9.13, line1: 'Zqxwrua 17' };
const contact = { name: 'Ada Zqxw', phone: '+351 21 1234567' };

/** Seals as the order service does (same test master key); its data keys in this test's database. */
async function orderSideSeal(h: Harness) {
  const { keyring } = testFieldKeys('order');
  const cipher = new FieldCipher({ keyring, dataKeys: new DbDataKeyStore(h.db, 'query', keyring) });
  return {
    address: await cipher.seal(SealedFields.deliveryAddress, address),
    contact: await cipher.seal(SealedFields.contact, contact),
  };
}

describe.each([memoryStore, redisStore])('query service: sealed views ($name)', (shape) => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('when an order is placed with a sealed address and contact, then the view keeps them sealed and the customer reads them in clear', async () => {
    h = await startHarness(shape);
    const sealed = await orderSideSeal(h);
    const log = new EventLog();
    const placed = log.placed('o1', 'c1');
    const payload = placed.envelope.payload as Record<string, unknown>;
    payload.deliveryAddress = sealed.address;
    payload.contact = sealed.contact;
    await h.publish(log.menu('r1', 'Tasca'), placed);
    await expect.poll(async () => (await h.get('/v1/orders/o1', 'c1')).statusCode).toBe(200);
    expect((await h.get('/v1/orders/o1', 'c1')).json()).toMatchObject({ deliveryAddress: address, contact });

    const view = await h.store.get<{ order: { deliveryAddress: unknown; contact: unknown } }>('order:o1');
    const stored = JSON.stringify(view);
    expect(stored).toContain(sealed.address);
    expect(stored).not.toContain('Zqxwrua');
    expect(stored).not.toContain('Ada Zqxw');
    // What the order service publishes passes the contract as it is.
    expect(OrderEvents.placed.schema.safeParse(payload).success).toBe(true);
  });
});

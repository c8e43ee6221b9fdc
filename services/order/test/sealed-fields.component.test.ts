// The order service keeps the delivery address and contact sealed (ADR 0023): placing an order
// writes them sealed to the orders table, the outbox and the saga; only its API opens them, and a
// service without the purpose cannot. Rows written in clear before sealing are sealed at start.
import { randomUUID } from 'node:crypto';
import { DbDataKeyStore, FieldCipher } from '@ordo/crypto';
import { type Db, migrate } from '@ordo/db';
import { noFaults } from '@ordo/faults';
import { silentLogger } from '@ordo/logger';
import { OutboxWriter } from '@ordo/outbox';
import { createTestPgliteDb, MemoryTransport, testFieldKeys } from '@ordo/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MenuRepository } from '../src/data-access/menu.repository.js';
import { OrderRepository } from '../src/data-access/order.repository.js';
import { orderView } from '../src/entry-points/http/order.presenter.js';
import { createOrderService, ORDER_SCHEMA } from '../src/main.js';
import { placeOrderUseCase } from '../src/use-cases/place-order.use-case.js';

const address = { line1: 'Zqxwstrasse 17', lat: 52.517123, lng: 13.389456 };
const contact = { name: 'Ada Zqxw', phone: '+49 30 1234567' };
const SEALED = /^ordo1\.(address|contact)\./;

let db: Db;
const cipherOf = (service: string) => {
  const { keyring } = testFieldKeys(service);
  return new FieldCipher({ keyring, dataKeys: new DbDataKeyStore(db, ORDER_SCHEMA, keyring) });
};

const orderContext = (on: Db) => ({
  db: on,
  transport: new MemoryTransport(),
  logger: silentLogger,
  faults: noFaults,
  now: () => new Date(),
  fieldKeys: testFieldKeys('order'),
});

beforeEach(async () => {
  db = await createTestPgliteDb();
  const service = createOrderService(orderContext(db), {
    auth: { currentUser: () => ({ id: 'c1', role: 'customer' }) } as never,
  });
  await migrate(db, ORDER_SCHEMA, service.migrations);
  await db.transaction((tx) =>
    new MenuRepository(ORDER_SCHEMA).apply(tx, {
      restaurantId: 'r1',
      name: 'Tasca',
      location: { lat: 52.52, lng: 13.4 },
      version: 1,
      items: [{ id: 'm1', name: 'Bifana', priceCents: 450, available: true }],
    }),
  );
});
afterEach(() => db?.close());

describe('order service, sealed fields', () => {
  it('when an order is placed, then its address and contact are sealed in the table, the event and the saga, and open only for the order API', async () => {
    const cipher = cipherOf('order');
    const started: Array<{ data: object }> = [];
    const place = placeOrderUseCase({
      db,
      orders: new OrderRepository(ORDER_SCHEMA),
      menus: new MenuRepository(ORDER_SCHEMA),
      writer: new OutboxWriter(ORDER_SCHEMA),
      sagas: { start: async (_tx, _name, instance) => started.push(instance) },
      cipher,
      now: () => new Date(),
      newId: randomUUID,
    });
    const order = await place({
      customerId: 'c1',
      restaurantId: 'r1',
      items: [{ menuItemId: 'm1', quantity: 1 }],
      deliveryAddress: address,
      contact,
      paymentToken: 'tok_visa',
    });

    const stored = await db.query<{ delivery_address: string; contact: string }>(
      `SELECT delivery_address, contact FROM ${ORDER_SCHEMA}.orders`,
    );
    expect(stored.rows[0]!.delivery_address).toMatch(SEALED);
    expect(stored.rows[0]!.contact).toMatch(SEALED);
    const outbox = await db.query<{ payload: unknown }>(`SELECT payload FROM ${ORDER_SCHEMA}.outbox`);
    expect(outbox.rows[0]!.payload).toMatchObject({ deliveryAddress: expect.stringMatching(SEALED) });
    expect(started[0]!.data).toMatchObject({
      dropoff: expect.stringMatching(SEALED),
      contact: expect.stringMatching(SEALED),
    });
    for (const text of [JSON.stringify(stored.rows), JSON.stringify(outbox.rows), JSON.stringify(started)]) {
      expect(text).not.toContain('Zqxwstrasse');
      expect(text).not.toContain('Ada Zqxw');
    }

    const read = await new OrderRepository(ORDER_SCHEMA).get(db, order.id);
    expect(await orderView(read!, cipher)).toMatchObject({ deliveryAddress: address, contact });
    // The restaurant and payment services hold no address key: a clear error, never the plaintext.
    for (const service of ['restaurant', 'payment']) {
      await expect(orderView(read!, cipherOf(service))).rejects.toMatchObject({ code: 'ORDO_ERR_CRYPTO_NOT_ENTITLED' });
    }
  });

  it('when an order was stored with a clear address before sealing, then the service seals it at start and still shows it', async () => {
    const id = randomUUID();
    await db.query(
      `INSERT INTO ${ORDER_SCHEMA}.orders (id, customer_id, restaurant_id, status, total_cents, currency, delivery_address,
         version, created_at, updated_at)
       VALUES ($1, 'c1', 'r1', 'CONFIRMED', 450, 'EUR', $2, 1, now(), now())`,
      [id, JSON.stringify(address)],
    );
    const service = createOrderService(orderContext(db), { auth: {} as never, sagaTimerIntervalMs: 60_000 });
    await service.start();
    try {
      const { rows } = await db.query<{ delivery_address: unknown }>(
        `SELECT delivery_address FROM ${ORDER_SCHEMA}.orders WHERE id = $1`,
        [id],
      );
      expect(rows[0]!.delivery_address).toMatch(SEALED);
      const read = await new OrderRepository(ORDER_SCHEMA).get(db, id);
      expect(await orderView(read!, cipherOf('order'))).toMatchObject({ deliveryAddress: address, contact: null });
    } finally {
      await service.stop();
    }
  });
});

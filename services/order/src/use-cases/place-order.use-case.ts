// Places an order: validated and priced against the menu copy, written APPROVAL_PENDING with its
// order.placed event, and its create-order saga started — all in one transaction, so a bad
// request writes nothing and an accepted one can never be left without its saga. The address and
// contact are sealed here, before anything is written: no table, event or saga holds them in clear.
import type { Address, Contact } from '@ordo/contracts-common';
import { type FieldCipher, SealedFields } from '@ordo/crypto';
import { type Db, type SqlExecutor, together } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import type { OutboxWriter } from '@ordo/outbox';
import type { MenuRepository } from '../data-access/menu.repository.js';
import type { OrderRepository } from '../data-access/order.repository.js';
import { type Order, placeOrder } from '../domain/order.js';
import { orderEventMessage } from '../domain/order-messages.js';
import { priceLines } from '../domain/pricing.js';
import type { CreateOrderData } from '../sagas/create-order.saga.js';

export interface SagaStarter {
  start(
    tx: SqlExecutor,
    sagaName: string,
    instance: { sagaId: string; data: object; correlationId?: string },
  ): Promise<unknown>;
}

export interface PlaceOrderInput {
  customerId: string;
  restaurantId: string;
  items: ReadonlyArray<{ menuItemId: string; quantity: number }>;
  deliveryAddress: Address;
  contact?: Contact;
  paymentToken: string;
}

export interface PlaceOrderDeps {
  db: Db;
  orders: OrderRepository;
  menus: MenuRepository;
  writer: OutboxWriter;
  sagas: SagaStarter;
  cipher: FieldCipher;
  now: () => Date;
  newId: () => string;
}

export function placeOrderUseCase(deps: PlaceOrderDeps) {
  return async (input: PlaceOrderInput): Promise<Order> => {
    const deliveryAddress = await deps.cipher.seal(SealedFields.deliveryAddress, input.deliveryAddress);
    const contact = input.contact ? await deps.cipher.seal(SealedFields.contact, input.contact) : null;
    return deps.db.transaction(async (tx) => {
      const menu = await deps.menus.get(tx, input.restaurantId);
      if (!menu) {
        throw new AppError(Errors.ORDER_UNKNOWN_RESTAURANT, { details: { restaurantId: input.restaurantId } });
      }
      const lines = priceLines(menu, input.items);
      const { order, event } = placeOrder({
        id: deps.newId(),
        customerId: input.customerId,
        restaurantId: input.restaurantId,
        lines,
        deliveryAddress,
        contact,
        now: deps.now(),
      });
      // Independent writes, issued together (one round trip on a pipelining connection).
      await together(deps.orders.insert(tx, order), deps.writer.write(tx, [orderEventMessage(event)]));
      const data: CreateOrderData = {
        orderId: order.id,
        customerId: order.customerId,
        restaurantId: order.restaurantId,
        lines: input.items.map((i) => ({ menuItemId: i.menuItemId, quantity: i.quantity })),
        totalCents: order.totalCents,
        currency: order.currency,
        paymentToken: input.paymentToken,
        pickup: menu.location,
        dropoff: deliveryAddress,
        ...(contact ? { contact } : {}),
      };
      await deps.sagas.start(tx, 'create-order', { sagaId: order.id, data });
      return order;
    });
  };
}

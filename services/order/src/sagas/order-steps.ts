// The order service's own work inside its sagas (local steps): changes to the order aggregate
// with the events they publish, in the saga engine's transaction.
import { type SqlExecutor, together } from '@ordo/db';
import type { OutboxWriter } from '@ordo/outbox';
import type { OrderRepository } from '../data-access/order.repository.js';
import { approveOrder, cancelOrder, type Order, rejectOrder, type Transition } from '../domain/order.js';
import { orderEventMessage } from '../domain/order-messages.js';

export interface OrderSteps {
  approve(tx: SqlExecutor, orderId: string, courierId: string | null): Promise<void>;
  reject(tx: SqlExecutor, orderId: string, reason: string): Promise<void>;
  cancel(tx: SqlExecutor, orderId: string, reason: string): Promise<void>;
}

export function orderSteps(orders: OrderRepository, writer: OutboxWriter, now: () => Date): OrderSteps {
  async function apply(tx: SqlExecutor, orderId: string, change: (order: Order) => Transition): Promise<void> {
    const order = await orders.get(tx, orderId, { forUpdate: true });
    if (!order) throw new Error(`saga step for unknown order ${orderId}`);
    const { order: next, event } = change(order);
    // Issued together (one round trip): a refused update fails the step, whose savepoint takes the
    // event's outbox row with it.
    await together(orders.update(tx, next), writer.write(tx, [orderEventMessage(event)]));
  }
  return {
    approve: (tx, orderId, courierId) => apply(tx, orderId, (o) => approveOrder(o, courierId, now())),
    reject: (tx, orderId, reason) => apply(tx, orderId, (o) => rejectOrder(o, reason, now())),
    cancel: (tx, orderId, reason) => apply(tx, orderId, (o) => cancelOrder(o, reason, now())),
  };
}

// The delivery lifecycle as the order sees it: picked up (payment captured from here) and
// delivered. Runs in the consumer's inbox transaction.
import { type SqlExecutor, together } from '@ordo/db';
import type { OutboxWriter } from '@ordo/outbox';
import type { OrderRepository } from '../data-access/order.repository.js';
import { markDelivered, markPickedUp } from '../domain/order.js';
import { orderEventMessage } from '../domain/order-messages.js';
import type { CapturePaymentData } from '../sagas/capture-payment.saga.js';
import type { SagaStarter } from './place-order.use-case.js';

export interface DeliveryProgressDeps {
  orders: OrderRepository;
  writer: OutboxWriter;
  sagas: SagaStarter;
  now: () => Date;
}

export function deliveryProgress(deps: DeliveryProgressDeps) {
  return {
    async pickedUp(tx: SqlExecutor, orderId: string, courierId: string): Promise<void> {
      const order = await deps.orders.get(tx, orderId, { forUpdate: true });
      if (!order) throw new Error(`pickup for unknown order ${orderId}`);
      const { order: next, event } = markPickedUp(order, courierId, deps.now());
      // Issued together (one round trip): a refused update rolls the whole transaction back.
      await together(deps.orders.update(tx, next), deps.writer.write(tx, [orderEventMessage(event)]));
      const data: CapturePaymentData = { orderId, amountCents: order.totalCents };
      await deps.sagas.start(tx, 'capture-payment', { sagaId: `${orderId}:capture`, data, correlationId: orderId });
    },
    async delivered(tx: SqlExecutor, orderId: string): Promise<void> {
      const order = await deps.orders.get(tx, orderId, { forUpdate: true });
      if (!order) throw new Error(`delivery for unknown order ${orderId}`);
      const { order: next, event } = markDelivered(order, deps.now());
      await together(deps.orders.update(tx, next), deps.writer.write(tx, [orderEventMessage(event)]));
    },
  };
}

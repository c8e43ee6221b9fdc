// The cancel-order saga: a customer cancels before pickup. Cancelling the delivery is the
// pivot: if the courier already picked the order up, the delivery service refuses and nothing
// else happens (the order stays as it is); once the delivery is cancelled, the ticket and the
// payment hold are released and the order is CANCELLED, retried until done.
import { DeliveryCommands, DeliveryReplies, DeliveryTopics } from '@ordo/contracts-delivery';
import { PaymentCommands, PaymentReplies, PaymentTopics } from '@ordo/contracts-payment';
import { RestaurantCommands, RestaurantReplies, RestaurantTopics } from '@ordo/contracts-restaurant';
import { defineSaga, type StepDeadline } from '@ordo/saga';
import type { OrderSteps } from './order-steps.js';

export interface CancelOrderData {
  orderId: string;
  reason: string;
}

export interface CancelOrderDeadlines {
  readonly delivery: StepDeadline;
  /** After the pivot: retried, never compensated; an exhausted step parks for an operator. */
  readonly release: StepDeadline;
}

export const defaultCancelOrderDeadlines: CancelOrderDeadlines = {
  delivery: { timeoutMs: 15_000, maxAttempts: 3 },
  release: { timeoutMs: 30_000, maxAttempts: 20 },
};

export function cancelOrderSaga(steps: OrderSteps, deadlines: CancelOrderDeadlines = defaultCancelOrderDeadlines) {
  return defineSaga<CancelOrderData>({
    name: 'cancel-order',
    version: 1,
    steps: [
      {
        name: 'cancel-delivery',
        pivot: true,
        invoke: (d) => ({
          topic: DeliveryTopics.commands,
          type: DeliveryCommands.cancelDelivery.type,
          payload: { orderId: d.orderId },
        }),
        onReply: {
          [DeliveryReplies.deliveryCancelled.type]: (d) => ({ next: d }),
          [DeliveryReplies.cancellationRefused.type]: (_d, r) => ({ fail: String(r.reason) }),
        },
        deadline: deadlines.delivery,
      },
      {
        name: 'cancel-ticket',
        invoke: (d) => ({
          topic: RestaurantTopics.commands,
          type: RestaurantCommands.cancelTicket.type,
          payload: { orderId: d.orderId },
        }),
        onReply: { [RestaurantReplies.ticketCancelled.type]: (d) => ({ next: d }) },
        deadline: deadlines.release,
      },
      {
        name: 'void-payment',
        invoke: (d) => ({
          topic: PaymentTopics.commands,
          type: PaymentCommands.void.type,
          payload: { orderId: d.orderId },
        }),
        onReply: {
          [PaymentReplies.voided.type]: (d) => ({ next: d }),
          [PaymentReplies.operationFailed.type]: (_d, r) => ({ fail: `void failed: ${String(r.detail)}` }),
        },
        deadline: deadlines.release,
      },
      {
        name: 'mark-cancelled',
        run: async ({ tx, data }) => {
          await steps.cancel(tx, data.orderId, data.reason);
          return data;
        },
      },
    ],
  });
}

// A customer cancels an order: allowed until pickup. Starts the cancel-order saga, which
// releases courier, ticket and payment hold, then marks the order CANCELLED.
import type { Db } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import type { OrderRepository } from '../data-access/order.repository.js';
import { assertCancellable, type Order } from '../domain/order.js';
import type { CancelOrderData } from '../sagas/cancel-order.saga.js';
import type { SagaStarter } from './place-order.use-case.js';

export interface CancelOrderDeps {
  db: Db;
  orders: OrderRepository;
  sagas: SagaStarter;
}

export function cancelOrderUseCase(deps: CancelOrderDeps) {
  return async (input: { orderId: string; customerId: string }): Promise<Order> =>
    deps.db.transaction(async (tx) => {
      const order = await deps.orders.get(tx, input.orderId, { forUpdate: true });
      if (!order || order.customerId !== input.customerId) {
        throw new AppError(Errors.ORDER_NOT_FOUND, { details: { orderId: input.orderId } });
      }
      // Cancelling a cancelled order is the same request again.
      if (order.status === 'CANCELLED') return order;
      assertCancellable(order);
      if (order.status === 'APPROVAL_PENDING') {
        // The create-order saga is still deciding; cancelling now would race it.
        throw new AppError(Errors.ORDER_NOT_CANCELLABLE, {
          message: `order ${order.id} is still being approved; cancel it once it is confirmed`,
          details: { orderId: order.id, status: order.status },
        });
      }
      const data: CancelOrderData = { orderId: order.id, reason: 'cancelled by the customer' };
      // One cancellation per order: the saga id is derived from the order, and asking twice is
      // the same request.
      try {
        await deps.sagas.start(tx, 'cancel-order', { sagaId: `${order.id}:cancel`, data, correlationId: order.id });
      } catch (error) {
        if (!(error instanceof AppError && error.code === Errors.SAGA_ALREADY_STARTED.code)) throw error;
      }
      return order;
    });
}

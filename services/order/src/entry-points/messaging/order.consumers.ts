// What the order service listens to: participants' replies (driven into the saga engine),
// restaurant menus (its copy for validating and pricing orders), and delivery progress.
import { DeliveryEvents, DeliveryTopics, deliverySchemas } from '@ordo/contracts-delivery';
import { orderSchemas } from '@ordo/contracts-order';
import { PaymentTopics, paymentSchemas } from '@ordo/contracts-payment';
import { RestaurantEvents, RestaurantTopics, restaurantSchemas } from '@ordo/contracts-restaurant';
import type { Db, SqlExecutor } from '@ordo/db';
import type { Faults } from '@ordo/faults';
import type { Logger } from '@ordo/logger';
import { Consumer, SchemaRegistry, type Transport } from '@ordo/messaging';
import type { SagaEngine } from '@ordo/saga';
import type { z } from 'zod';
import type { MenuRepository } from '../../data-access/menu.repository.js';

export interface OrderConsumerDeps {
  db: Db;
  schema: string;
  transport: Transport;
  engine: SagaEngine;
  menus: MenuRepository;
  progress: {
    pickedUp(tx: SqlExecutor, orderId: string, courierId: string): Promise<void>;
    delivered(tx: SqlExecutor, orderId: string): Promise<void>;
  };
  faults: Faults;
  logger: Logger;
  tuning?: { concurrency?: number; fetchWaitMs?: number; ackWaitMs?: number };
}

export function orderConsumers(deps: OrderConsumerDeps): Consumer[] {
  const registry = new SchemaRegistry()
    .registerAll(restaurantSchemas)
    .registerAll(paymentSchemas)
    .registerAll(deliverySchemas)
    .registerAll(orderSchemas);
  const common = {
    db: deps.db,
    schema: deps.schema,
    transport: deps.transport,
    registry,
    faults: deps.faults,
    logger: deps.logger,
    concurrency: deps.tuning?.concurrency ?? 8,
    fetchWaitMs: deps.tuning?.fetchWaitMs,
    ackWaitMs: deps.tuning?.ackWaitMs ?? 30_000,
  };
  const replies = deps.engine.replyHandlers();
  const replyConsumers = [RestaurantTopics.replies, PaymentTopics.replies, DeliveryTopics.replies].map(
    (topic) => new Consumer({ ...common, name: `order.saga-replies.${topic.split('.')[0]}`, topic, handlers: replies }),
  );
  type Menu = z.infer<typeof RestaurantEvents.menuPublished.schema>;
  type Progress = z.infer<typeof DeliveryEvents.pickedUp.schema>;
  return [
    ...replyConsumers,
    new Consumer({
      ...common,
      name: 'order.menus',
      topic: RestaurantTopics.events,
      handlers: {
        [RestaurantEvents.menuPublished.type]: async (menu: Menu, ctx) => {
          await deps.menus.apply(ctx.tx, menu);
        },
      },
    }),
    new Consumer({
      ...common,
      name: 'order.delivery-progress',
      topic: DeliveryTopics.events,
      handlers: {
        [DeliveryEvents.pickedUp.type]: (e: Progress, ctx) => deps.progress.pickedUp(ctx.tx, e.orderId, e.courierId),
        [DeliveryEvents.delivered.type]: (e: Progress, ctx) => deps.progress.delivered(ctx.tx, e.orderId),
      },
    }),
  ];
}

// What the query service listens to: the order, restaurant, payment and delivery events, each topic
// through its own kernel consumer (inbox, seq check, DLQ in the `query` schema), into the views.
import { DeliveryTopics, deliverySchemas } from '@ordo/contracts-delivery';
import { OrderTopics, orderSchemas } from '@ordo/contracts-order';
import { PaymentTopics, paymentSchemas } from '@ordo/contracts-payment';
import { RestaurantTopics, restaurantSchemas } from '@ordo/contracts-restaurant';
import type { Db } from '@ordo/db';
import type { Faults } from '@ordo/faults';
import type { Logger } from '@ordo/logger';
import { Consumer, type Envelope, type MessageHandler, SchemaRegistry, type Transport } from '@ordo/messaging';
import type { ViewWriter } from '@ordo/read-store';
import { projectedTypes } from '../../domain/projections.js';
import { projectEvent } from '../../use-cases/project-event.use-case.js';

export interface ProjectionConsumerTuning {
  readonly concurrency?: number;
  /** Messages committed per inbox transaction (ADR 0004: projections batch). Default 16. */
  readonly transactionBatchSize?: number;
  readonly fetchWaitMs?: number;
  readonly ackWaitMs?: number;
  readonly gapHoldMs?: number;
}

export interface ProjectionConsumerDeps {
  readonly db: Db;
  readonly schema: string;
  readonly transport: Transport;
  readonly store: ViewWriter;
  readonly onApplied: (viewKey: string) => void;
  /** After an event was projected (whether or not it changed a view): live feeds hook in here. */
  readonly afterProjected?: (envelope: Envelope) => Promise<void>;
  readonly faults: Faults;
  readonly logger: Logger;
  readonly tuning?: ProjectionConsumerTuning;
}

/** The topics the views are built from. */
export const PROJECTED_TOPICS = [
  OrderTopics.events,
  RestaurantTopics.events,
  PaymentTopics.events,
  DeliveryTopics.events,
] as const;

export function projectionRegistry(): SchemaRegistry {
  return new SchemaRegistry()
    .registerAll(orderSchemas)
    .registerAll(restaurantSchemas)
    .registerAll(paymentSchemas)
    .registerAll(deliverySchemas);
}

export function projectionConsumers(deps: ProjectionConsumerDeps): Consumer[] {
  const registry = projectionRegistry();
  const handle: MessageHandler = async (payload, ctx) => {
    // The view update is not part of the inbox transaction (another store); versions make it
    // idempotent: if this commit fails, the redelivery finds the view updated and is stale there.
    await projectEvent(
      deps.store,
      { ...ctx.envelope, payload },
      {
        deliveryCount: ctx.deliveryCount,
        onApplied: deps.onApplied,
      },
    );
    await deps.afterProjected?.(ctx.envelope);
  };
  const handlers = Object.fromEntries(projectedTypes.map((type) => [type, handle] as const));
  return PROJECTED_TOPICS.map(
    (topic) =>
      new Consumer({
        name: `query.${topic}`,
        topic,
        db: deps.db,
        schema: deps.schema,
        transport: deps.transport,
        registry,
        handlers,
        concurrency: deps.tuning?.concurrency ?? 8,
        transactionBatchSize: deps.tuning?.transactionBatchSize ?? 16,
        fetchWaitMs: deps.tuning?.fetchWaitMs,
        ackWaitMs: deps.tuning?.ackWaitMs,
        gapHoldMs: deps.tuning?.gapHoldMs,
        faults: deps.faults,
        logger: deps.logger,
      }),
  );
}

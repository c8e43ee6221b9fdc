export { type BackoffOptions, defaultBackoff, fullJitterDelay } from './backoff.js';
export { Consumer, type ConsumerOptions, DEFAULT_FETCH_WAIT_MS, type ReplayOptions } from './consumer/consumer.js';
export {
  compose,
  type DeliveryContext,
  type DeliveryHandler,
  type DeliveryOutcome,
  type HandlerContext,
  type MessageHandler,
  type Middleware,
} from './consumer/context.js';
export type { RetryPolicy } from './consumer/settle.middleware.js';
export { ConsumerStats, type StatName } from './consumer/stats.js';
export { type DeadLetter, type DeadLetterQuery, DeadLetterStore } from './dead-letters.js';
export {
  type Envelope,
  envelopeSchema,
  Headers,
  newMessageId,
  parseEnvelope,
  toTransportMessage,
} from './envelope.js';
export { consumerMigrations, messagingMigrations } from './migrations.js';
export { SchemaRegistry } from './schema-registry.js';
export type {
  Delivery,
  Publisher,
  PublishWithinOptions,
  StartPosition,
  Subscription,
  SubscriptionSpec,
  TopicOptions,
  Transport,
  TransportFeatures,
  TransportMessage,
} from './transport.port.js';

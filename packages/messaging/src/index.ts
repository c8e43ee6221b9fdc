export {
  type Envelope,
  envelopeSchema,
  Headers,
  newMessageId,
  parseEnvelope,
  toTransportMessage,
} from './envelope.js';
export { SchemaRegistry } from './schema-registry.js';
export type {
  Delivery,
  Publisher,
  StartPosition,
  Subscription,
  SubscriptionSpec,
  TopicOptions,
  Transport,
  TransportFeatures,
  TransportMessage,
} from './transport.port.js';

// The NATS JetStream transport: Ordo's event transport in the distributed shape.

export { TransportHeaders } from './nats.message.js';
export { consumerName, streamName } from './nats.names.js';
export { createNatsTransport, type NatsTransportOptions } from './nats.transport.js';

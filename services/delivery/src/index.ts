// The delivery service: couriers, dispatch (saga step 4) and the delivery lifecycle.
// The repositories, migrations and aggregate functions are exported for the dispatch benchmark
// (bench/src/dispatch.bench.ts); other services never import them.

export { CourierRepository } from './data-access/courier.repository.js';
export { DeliveryRepository } from './data-access/delivery.repository.js';
export { DELIVERY_SCHEMA, deliveryMigrations } from './data-access/migrations.js';
export { type CourierSeed, DEMO_CITY_CENTRE, demoCouriers, seedCouriers } from './data-access/seed.js';
export { assignDelivery, cancelDelivery, type Delivery } from './domain/delivery.js';
export { COMMAND_CONSUMER } from './entry-points/messaging/command.consumer.js';
export { createDeliveryService, type DeliveryServiceOptions } from './main.js';

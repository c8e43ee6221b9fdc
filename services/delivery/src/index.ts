// The delivery service: couriers, dispatch (saga step 4) and the delivery lifecycle.

export { DELIVERY_SCHEMA } from './data-access/migrations.js';
export { type CourierSeed, DEMO_CITY_CENTRE, demoCouriers, seedCouriers } from './data-access/seed.js';
export { COMMAND_CONSUMER } from './entry-points/messaging/command.consumer.js';
export { createDeliveryService, type DeliveryServiceOptions } from './main.js';

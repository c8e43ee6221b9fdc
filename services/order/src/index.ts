export { createOrderService, ORDER_SCHEMA, type OrderService, type OrderServiceOptions } from './main.js';

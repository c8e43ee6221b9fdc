export type { Caller, Role, RouteAuth } from './entry-points/http/route-auth.js';
export { createOrderService, ORDER_SCHEMA, type OrderService, type OrderServiceOptions } from './main.js';

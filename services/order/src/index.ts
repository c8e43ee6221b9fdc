export {
  createOrderService,
  ORDER_SCHEMA,
  type OrderService,
  type OrderServiceOptions,
  orderDatabaseKnowsRestaurants,
} from './main.js';

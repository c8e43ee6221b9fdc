// @ordo/restaurant: restaurants, menus and kitchen tickets; a participant of the order sagas.

export type { RestaurantCacheOptions } from './data-access/restaurant-catalogue.cache.js';
export type { StaffAssignment } from './data-access/staff.repository.js';
export { RESTAURANT_SCHEMA } from './data-access/tables.js';
export { DEMO_CITY_CENTRE, demoRestaurants } from './demo-restaurants.js';
export type { Actor, Role } from './domain/actor.js';
export type { MenuItem, OpeningHours, Restaurant } from './domain/restaurant.js';
export { type Ticket, TicketStatus } from './domain/ticket.js';
export { COMMANDS_CONSUMER, type CommandConsumerTuning } from './entry-points/messaging/commands.consumer.js';
export {
  createRestaurantService,
  type RestaurantService,
  type RestaurantServiceOptions,
  restaurantMigrations,
} from './main.js';
export {
  type RestaurantDefinitionSeed,
  type RestaurantSeed,
  restaurantSeedSchema,
  type SeedResult,
  seedRestaurants,
} from './use-cases/seed-restaurants.use-case.js';

// What the route plugins are given by the composition root.
import type { RestaurantDeps } from '../../use-cases/deps.js';
import type { RestaurantAuth } from './auth.js';

export interface RoutesOptions {
  readonly deps: RestaurantDeps;
  readonly auth: RestaurantAuth;
}

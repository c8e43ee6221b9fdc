// What the route plugins are given by the composition root.
import type { RouteAuth } from '@ordo/auth';
import type { RestaurantDeps } from '../../use-cases/deps.js';

export interface RoutesOptions {
  readonly deps: RestaurantDeps;
  /**
   * @ordo/auth's `routeAuth` in the host; component tests pass a stand-in. Each routes plugin
   * registers `authPlugin` with it, so every route must declare its access.
   */
  readonly auth: RouteAuth;
}

// What the query service knows of restaurants (name and place, from their published menus) and of
// staff (which restaurants a user works at), for the order view and the kitchen board.
import type { GeoPoint } from '@ordo/contracts-common';

export interface RestaurantViewDoc {
  readonly restaurantId: string;
  readonly name: string;
  readonly location: GeoPoint;
  readonly menuVersion: number;
}

export interface StaffViewDoc {
  readonly userId: string;
  readonly restaurantIds: readonly string[];
}

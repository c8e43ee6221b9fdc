// A courier: a user who delivers, where they are, and whether they take jobs. Dispatch only
// considers couriers who are available and have no active delivery.
import type { GeoPoint } from '@ordo/contracts-common';

export interface Courier {
  readonly id: string;
  /** The user account (gateway) this courier signs in with. */
  readonly userId: string;
  readonly name: string;
  readonly position: GeoPoint;
  /** The courier's own switch: on shift and taking new jobs. */
  readonly available: boolean;
  readonly updatedAt: Date;
}

/** A courier as operators see it: with the delivery they are on, if any. */
export interface CourierStatus extends Courier {
  readonly activeDeliveryId: string | null;
}

// A courier, run by one courier account: takes the job dispatch gives them, drives to the
// restaurant sending location pings along a straight line, waits at the pickup shelf until the food
// is ready, reports the pickup, drives to the customer and reports the delivery.
import type { ActorRuntime } from './actor-runtime.js';
import type { ApiClient } from './api-client.js';
import { type LatLng, pointNear, route } from './geo.js';
import type { PickupShelf } from './pickup-shelf.js';

export interface CourierPace {
  readonly pollIntervalMs: number;
  /** How long each leg (to the restaurant, to the customer) takes, in milliseconds. */
  readonly legMs: number;
  /** A position report every this many milliseconds while driving. */
  readonly positionIntervalMs: number;
  /** Past this wait at the restaurant the courier takes the order anyway (its ticket was readied before a restart). */
  readonly pickupWaitMs: number;
}

interface Delivery {
  readonly id: string;
  readonly orderId: string;
  readonly status: 'ASSIGNED' | 'ACCEPTED' | 'PICKED_UP' | 'DELIVERED' | 'CANCELLED';
  readonly pickup: LatLng;
  readonly dropoff: LatLng;
}

/** Where a courier with no known position starts from: this far from the restaurant. */
const UNKNOWN_START_KM = 1.5;

export interface CourierOptions {
  /** Where the courier is when the demo starts, if anyone knows (the operator's fleet view). */
  readonly startAt: () => Promise<LatLng | undefined>;
}

export function startCourier(
  runtime: ActorRuntime,
  api: ApiClient,
  shelf: PickupShelf,
  pace: CourierPace,
  options: CourierOptions,
): void {
  const actor = `courier:${api.email}`;
  let position: LatLng | undefined;
  let located = false;

  /**
   * Drives to `to`, sending a location ping for the delivery at every step (live tracking), and
   * reports the position for dispatch once on arrival.
   */
  async function drive(delivery: Delivery, to: LatLng): Promise<void> {
    if (!located) {
      position = await options.startAt().catch(() => undefined);
      located = true;
    }
    const from = position ?? pointNear(to, UNKNOWN_START_KM, 2 * Math.PI * runtime.random());
    const steps = Math.max(1, Math.round(pace.legMs / pace.positionIntervalMs));
    for (const point of route(from, to, steps)) {
      await runtime.sleep(pace.positionIntervalMs);
      position = point;
      const ping = { at: new Date().toISOString(), lat: point.lat, lng: point.lng };
      // A lost ping is not worth stopping for: the next one says where the courier is.
      await api
        .post('/v1/couriers/me/locations', { deliveryId: delivery.id, pings: [ping] })
        .catch((error) => runtime.report(actor, error, 'send a location ping'));
    }
    await api.post('/v1/courier/position', to).catch((error) => runtime.report(actor, error, 'report a position'));
  }

  async function current(): Promise<Delivery | null> {
    return (await api.get<{ current: Delivery | null }>('/v1/courier/jobs')).current;
  }

  /** Waits at the restaurant for the food; false when the job went away meanwhile (cancelled). */
  async function waitForFood(delivery: Delivery): Promise<boolean> {
    const rounds = Math.ceil(pace.pickupWaitMs / pace.pollIntervalMs);
    for (let i = 0; i < rounds; i++) {
      if (shelf.take(delivery.orderId)) return true;
      await runtime.sleep(pace.pollIntervalMs);
      if ((await current())?.id !== delivery.id) return false;
    }
    return true;
  }

  const step = (delivery: Delivery, path: 'accept' | 'picked-up' | 'delivered') =>
    api.post<Delivery>(`/v1/courier/deliveries/${encodeURIComponent(delivery.id)}/${path}`);

  async function work(): Promise<void> {
    let delivery = await current();
    if (!delivery) return;
    if (delivery.status === 'ASSIGNED') delivery = await step(delivery, 'accept');
    if (delivery.status === 'ACCEPTED') {
      await drive(delivery, delivery.pickup);
      if (!(await waitForFood(delivery))) return;
      delivery = await step(delivery, 'picked-up');
    }
    if (delivery.status === 'PICKED_UP') {
      await drive(delivery, delivery.dropoff);
      await step(delivery, 'delivered');
    }
  }

  runtime.loop(actor, pace.pollIntervalMs, work);
}

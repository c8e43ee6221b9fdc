// Live tracking into each order's feed: the courier's positions and a fresh ETA from each batch of
// pings, and the order's status changes. Every feed event carries an order (the ping's time, the
// order event's seq), so a message handled twice appends nothing twice (the live feed skips it).
import type { Address } from '@ordo/contracts-common';
import type { LocationPing } from '@ordo/contracts-delivery';
import { type OrderStatus, OrderStatusOfEvent } from '@ordo/contracts-order';
import { type FieldCipher, SealedFields } from '@ordo/crypto';
import type { LiveFeed, NewFeedEvent } from '@ordo/live-feed';
import type { Envelope } from '@ordo/messaging';
import type { ReadStore } from '@ordo/read-store';
import { etaSeconds } from '../domain/eta.js';
import { ViewKey } from '../domain/keys.js';
import { DeliveryStage, type OrderViewDoc } from '../domain/order-view.js';
import type { RestaurantViewDoc } from '../domain/restaurant-view.js';

/** The SSE event names of `GET /v1/orders/:id/track`. */
export const TrackEvent = { Position: 'position', Status: 'status', Eta: 'eta' } as const;

export interface TrackingDeps {
  readonly store: ReadStore;
  readonly feed: LiveFeed;
  /** Opens the delivery address the ETA is computed to. */
  readonly cipher: FieldCipher;
}

export interface LocationsReport {
  readonly orderId: string;
  readonly pings: readonly LocationPing[];
}

export async function projectLocations(deps: TrackingDeps, report: LocationsReport): Promise<void> {
  const events: NewFeedEvent[] = report.pings.map((ping) => ({
    type: TrackEvent.Position,
    data: ping,
    order: Date.parse(ping.at),
  }));
  const last = report.pings.at(-1);
  const eta = last && (await etaAt(deps, report.orderId, last));
  if (last && eta !== undefined) {
    const arrivesAt = new Date(Date.parse(last.at) + eta * 1_000).toISOString();
    events.push({ type: TrackEvent.Eta, data: { seconds: eta, arrivesAt, at: last.at }, order: Date.parse(last.at) });
  }
  await deps.feed.append(report.orderId, events);
}

/** For an order event: its status change into the order's feed. Other events: nothing. */
export async function projectOrderStatus(feed: LiveFeed, envelope: Envelope): Promise<void> {
  const status = OrderStatusOfEvent[envelope.type];
  if (!status) return;
  await projectStatus(feed, { orderId: envelope.key, status, at: envelope.occurredAt, seq: envelope.seq });
}

/** Appends a status change of the order (from its event with `seq`). */
export async function projectStatus(
  feed: LiveFeed,
  change: { orderId: string; status: OrderStatus; at: string; seq: number },
): Promise<void> {
  await feed.append(change.orderId, [
    { type: TrackEvent.Status, data: { status: change.status, at: change.at }, order: change.seq },
  ]);
}

/** The ETA from `ping`, or undefined when the view does not know the places yet (or it is delivered). */
async function etaAt(
  { store, cipher }: TrackingDeps,
  orderId: string,
  ping: LocationPing,
): Promise<number | undefined> {
  const view = await store.get<OrderViewDoc>(ViewKey.order(orderId));
  const order = view?.doc.order;
  if (!order) return undefined;
  const stage = view.doc.delivery?.status;
  if (stage === DeliveryStage.Delivered) return undefined;
  const dropoff = await cipher.openOrPlain<Address>(SealedFields.deliveryAddress, order.deliveryAddress);
  if (stage === DeliveryStage.PickedUp) return etaSeconds(ping, [dropoff], ping.speed);
  const restaurant = await store.get<RestaurantViewDoc>(ViewKey.restaurant(order.restaurantId));
  if (!restaurant) return undefined;
  return etaSeconds(ping, [restaurant.doc.location, dropoff], ping.speed);
}

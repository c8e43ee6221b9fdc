// Decides waiting assignment requests: fails those past their deadline (no_courier), then
// assigns the rest, oldest first, while couriers are free. Runs in the caller's transaction:
// on a new request, when a courier becomes free (delivered, cancelled, available again), and
// from the timer.

import { DeliveryEvents, DeliveryTopics } from '@ordo/contracts-delivery';
import { type SqlExecutor, together } from '@ordo/db';
import { RequestStatus } from '../data-access/assignment-request.repository.js';
import { assignDelivery, type Delivery } from '../domain/delivery.js';
import type { DeliveryDeps } from './deps.js';
import { courierAssigned, noCourier } from './replies.js';

export interface DispatchResult {
  readonly assigned: number;
  readonly failed: number;
}

/** Bounds one transaction's work; whatever is left is picked up by the next tick. */
const MAX_PER_RUN = 100;

export async function dispatchWaiting(deps: DeliveryDeps, tx: SqlExecutor, now: Date): Promise<DispatchResult> {
  // The expired and the first still-waiting request are locked in one round trip: the two sets do
  // not overlap (deadline passed or not), and deciding the expired ones does not change which
  // waiting request is the oldest.
  const [expired, first] = await together(
    deps.requests.lockExpired(tx, now, MAX_PER_RUN),
    deps.requests.lockNextWaiting(tx, now),
  );
  let failed = 0;
  for (const request of expired) {
    await deps.requests.markDecided(tx, request.id, RequestStatus.Failed, null, now);
    await deps.replier.complete(tx, request.commandId, noCourier());
    failed++;
  }
  let assigned = 0;
  /** Requests decided in the loop (assigned, or answered with an earlier delivery): bounds it. */
  let decided = 0;
  let request = first;
  while (request) {
    // The next waiting request is locked behind this one's decision, in the same round trip:
    // the server runs it after the decision's UPDATE, so it never finds this request again.
    const following = () =>
      decided + 1 < MAX_PER_RUN ? deps.requests.lockNextWaiting(tx, now) : Promise.resolve(undefined);
    // Another command already got this order a delivery: the same answer for this one.
    const existing = await deps.deliveries.findLiveByOrder(tx, request.orderId);
    if (existing) {
      const [, , next] = await together(
        deps.requests.markDecided(tx, request.id, RequestStatus.Assigned, existing.id, now),
        deps.replier.complete(tx, request.commandId, courierAssigned(existing)),
        following(),
      );
      decided++;
      request = next;
      continue;
    }
    // Free by its own row, and locked: no re-check needed (see lockNearestFree). Should the row
    // and the deliveries ever disagree, the unique index refuses the insert below.
    const courierId = await deps.couriers.lockNearestFree(tx, request.pickup);
    // Any free courier can take any request, so the oldest waiting one goes first or none does.
    if (!courierId) break;
    const delivery = assignDelivery(
      {
        id: deps.newId(),
        orderId: request.orderId,
        sagaId: request.sagaId,
        restaurantId: request.restaurantId,
        courierId,
        pickup: request.pickup,
        dropoff: request.dropoff,
        contact: request.contact,
        correlationId: request.correlationId,
      },
      now,
    );
    // The delivery, its announcement, the request's decision and the command's reply do not
    // wait for each other's answers: issued together, they take as few round trips as the reads
    // among them allow (the courier's name, the waiting command), and the server runs them in order.
    const [, , , , next] = await together(
      deps.deliveries.insert(tx, delivery),
      announceAssignment(deps, tx, delivery),
      deps.requests.markDecided(tx, request.id, RequestStatus.Assigned, delivery.id, now),
      deps.replier.complete(tx, request.commandId, courierAssigned(delivery)),
      following(),
    );
    assigned++;
    decided++;
    request = next;
  }
  return { assigned, failed };
}

/** Publishes who got the delivery (the read side shows the courier's name and job), with it. */
async function announceAssignment(deps: DeliveryDeps, tx: SqlExecutor, delivery: Delivery): Promise<void> {
  const courier = await deps.couriers.findById(tx, delivery.courierId);
  if (!courier) throw new Error(`courier ${delivery.courierId} was just locked but is gone`);
  await deps.writer.write(tx, [
    {
      topic: DeliveryTopics.events,
      type: DeliveryEvents.courierAssigned.type,
      key: delivery.id,
      payload: {
        deliveryId: delivery.id,
        orderId: delivery.orderId,
        courierId: courier.id,
        courierUserId: courier.userId,
        courierName: courier.name,
        at: delivery.assignedAt.toISOString(),
      },
      correlationId: delivery.correlationId,
    },
  ]);
}

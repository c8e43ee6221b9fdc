// Compensation of step 4, and the cancel-order saga's first step: the delivery is cancelled
// and its courier released, or the waiting request dropped. Cancelling nothing succeeds with
// `deliveryId: null`. After pickup the answer is `cancellationRefused`, and nothing changes.
import type { DeliveryCommands } from '@ordo/contracts-delivery';
import type { SqlExecutor } from '@ordo/db';
import type { Envelope } from '@ordo/messaging';
import type { ReplyOutcome } from '@ordo/participant';
import type { z } from 'zod';
import { RequestStatus } from '../data-access/assignment-request.repository.js';
import { cancelDelivery as cancel, cancellationRefusal } from '../domain/delivery.js';
import type { DeliveryDeps } from './deps.js';
import { dispatchWaiting } from './dispatch-waiting.use-case.js';
import { cancellationRefused, deliveryCancelled, noCourier } from './replies.js';

export type CancelDeliveryCommand = z.infer<typeof DeliveryCommands.cancelDelivery.schema>;

export async function cancelDelivery(
  deps: DeliveryDeps,
  tx: SqlExecutor,
  envelope: Envelope,
  command: CancelDeliveryCommand,
): Promise<ReplyOutcome> {
  return deps.replier.handle(tx, envelope, command, async () => {
    const now = deps.now();
    // Requests first: locking them waits for a transaction assigning one, so the delivery it
    // creates is visible to the lookup below.
    const waiting = await deps.requests.lockWaitingForOrder(tx, command.orderId);
    const delivery = await deps.deliveries.lockLatestByOrder(tx, command.orderId);
    const refusal = delivery && cancellationRefusal(delivery);
    if (delivery && refusal) return cancellationRefused(delivery.id, refusal);

    // From here on the order is cancelled for good: a late or replayed assign never revives it.
    await deps.requests.recordCancelledOrder(tx, command.orderId, now);
    // A request still waiting is decided now, so its saga is not left waiting for the deadline.
    for (const request of waiting) {
      await deps.requests.markDecided(tx, request.id, RequestStatus.Cancelled, null, now);
      await deps.replier.complete(tx, request.commandId, noCourier());
    }
    if (!delivery) return deliveryCancelled(null);
    const change = cancel(delivery, now);
    if (change.changed) {
      await deps.deliveries.update(tx, change.delivery);
      await dispatchWaiting(deps, tx, now);
    }
    return deliveryCancelled(delivery.id);
  });
}

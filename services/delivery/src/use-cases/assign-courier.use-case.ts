// Saga step 4, "assign courier": the request joins the FIFO queue and is decided at once if a
// courier is free; otherwise it waits (see dispatch-waiting) and its reply is sent when decided.
import type { DeliveryCommands } from '@ordo/contracts-delivery';
import { SealedFields } from '@ordo/crypto';
import { type SqlExecutor, together } from '@ordo/db';
import type { Envelope } from '@ordo/messaging';
import { DEFER, type ReplyOutcome } from '@ordo/participant';
import type { z } from 'zod';
import type { DeliveryDeps } from './deps.js';
import { dispatchWaiting } from './dispatch-waiting.use-case.js';
import { courierAssigned, noCourier } from './replies.js';

export type AssignCourierCommand = z.infer<typeof DeliveryCommands.assignCourier.schema>;

export async function assignCourier(
  deps: DeliveryDeps,
  tx: SqlExecutor,
  envelope: Envelope,
  command: AssignCourierCommand,
): Promise<ReplyOutcome> {
  const now = deps.now();
  const outcome = await deps.replier.handle(tx, envelope, command, async () => {
    // Both reads at once: one round trip on a pipelining connection.
    const [existing, cancelled] = await together(
      deps.deliveries.findLiveByOrder(tx, command.orderId),
      deps.requests.isOrderCancelled(tx, command.orderId),
    );
    if (existing) return courierAssigned(existing);
    // The order's delivery was cancelled (compensation ran, or a replay of an old command):
    // never assign a courier to it. The contract has only `no_courier` as a reason.
    if (cancelled) return noCourier();
    await deps.requests.enqueue(tx, {
      commandId: command.commandId,
      sagaId: command.sagaId,
      orderId: command.orderId,
      restaurantId: command.restaurantId,
      pickup: command.pickup,
      dropoff:
        typeof command.dropoff === 'string'
          ? command.dropoff
          : await deps.cipher.seal(SealedFields.deliveryAddress, command.dropoff),
      contact: command.contact ?? null,
      correlationId: envelope.correlationId,
      arrivedAt: now,
      deadline: new Date(now.getTime() + deps.assignmentTimeoutMs),
    });
    return DEFER;
  });
  // Older waiting requests go first; this one is decided in this transaction if a courier is left.
  if (outcome === 'deferred') await dispatchWaiting(deps, tx, now);
  return outcome;
}

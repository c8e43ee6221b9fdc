// Applies one event to the views it changes. A stale event (a duplicate, or a redelivery after the
// store took it but the inbox commit failed) is a no-op. A gap (the view has not seen the source's
// previous version) goes back to the consumer as a sequence gap, redelivered later; but the
// consumer only hands over an aggregate's next event, so a gap that persists means the previous
// one was dead-lettered: then the view jumps over it, as the kernel's seq does (ADR 0003, 0012).
import { AppError, Errors } from '@ordo/errors';
import type { Envelope } from '@ordo/messaging';
import { ApplyOutcome, type ViewWriter } from '@ordo/read-store';
import { projectionOf } from '../domain/projections.js';

/** Deliveries of an event that finds a gap in its view before the view jumps over the gap. */
export const GAP_DELIVERIES_BEFORE_JUMP = 3;

export async function projectEvent(
  store: ViewWriter,
  envelope: Envelope,
  options: { deliveryCount?: number; onApplied?: (viewKey: string) => void } = {},
): Promise<ApplyOutcome | 'ignored'> {
  const step = projectionOf(envelope);
  if (!step) return 'ignored';
  const acceptGap = (options.deliveryCount ?? 1) >= GAP_DELIVERIES_BEFORE_JUMP;
  const change = { source: step.source, version: envelope.seq };
  const outcome = await store.apply(step.key, change, step.reduce, { acceptGap });
  if (outcome === ApplyOutcome.Gap) {
    throw new AppError(Errors.MSG_SEQUENCE_GAP, {
      message: `view ${step.key} has not seen ${step.source} version ${envelope.seq - 1} yet`,
      details: { view: step.key, source: step.source, version: envelope.seq },
    });
  }
  if (outcome === ApplyOutcome.Applied) options.onApplied?.(step.key);
  return outcome;
}

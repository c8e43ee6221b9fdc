// Rebuilds every view from the event log into a fresh generation, then switches readers to it in
// one step. Live updates keep flowing into both generations meanwhile; readers keep reading the
// old one until the new one is complete, so no read finds a view missing or older (ADR 0012).
import type { Logger } from '@ordo/logger';
import type { Envelope, SchemaRegistry } from '@ordo/messaging';
import { ApplyOutcome, type ReadStore, type ViewWriter } from '@ordo/read-store';
import { isProjected, projectionOf } from '../domain/projections.js';

export type EnvelopeSource = AsyncIterable<Envelope> | Iterable<Envelope>;

export interface RebuildOptions {
  readonly store: ReadStore;
  /** Validates payloads as the consumers do; an invalid event is skipped and counted. */
  readonly registry: SchemaRegistry;
  /** The log from its beginning (within the replay horizon: the stream's retention). */
  readonly events: EnvelopeSource;
  /**
   * More of the log after the first pass (e.g. from the position it ended at), asked for when a
   * live update found the new generation behind. Without it, such a rebuild is abandoned.
   */
  readonly catchUp?: () => EnvelopeSource;
  /** Catch-up passes before giving up. Default 5. */
  readonly maxCatchUps?: number;
  readonly logger?: Logger;
}

export interface RebuildResult {
  readonly generation: number;
  readonly applied: number;
  readonly skipped: number;
  /** Events whose predecessor never came (outside the replay horizon, or lost). */
  readonly gaps: number;
  readonly invalid: number;
}

export class RebuildIncompleteError extends Error {
  constructor(readonly lagging: readonly string[]) {
    super(`the new generation is still behind for ${lagging.length} view(s), e.g. ${lagging.slice(0, 3).join(', ')}`);
    this.name = 'RebuildIncompleteError';
  }
}

export async function rebuildProjections(options: RebuildOptions): Promise<RebuildResult> {
  const generation = await options.store.beginGeneration();
  const counts = { applied: 0, skipped: 0, gaps: 0, invalid: 0 };
  try {
    await replay(generation, options, options.events, counts);
    for (let pass = 0; ; pass++) {
      const activation = await generation.activate();
      if (activation.activated) break;
      if (!options.catchUp || pass >= (options.maxCatchUps ?? 5)) throw new RebuildIncompleteError(activation.lagging);
      options.logger?.info({ lagging: activation.lagging.length, pass }, 'rebuild catching up');
      await replay(generation, options, options.catchUp(), counts);
    }
  } catch (error) {
    await generation.abandon();
    throw error;
  }
  return { generation: generation.id, ...counts };
}

/**
 * Applies the events in log order. The log orders an aggregate's events only roughly (several
 * relays publish concurrently), so an event that comes before its predecessor waits here for it.
 */
async function replay(
  writer: ViewWriter,
  options: RebuildOptions,
  events: EnvelopeSource,
  counts: { applied: number; skipped: number; gaps: number; invalid: number },
): Promise<void> {
  const waiting = new Map<string, Envelope[]>();
  const apply = async (envelope: Envelope): Promise<void> => {
    const step = projectionOf(envelope);
    if (!step) {
      counts.skipped++;
      return;
    }
    const outcome = await writer.apply(step.key, { source: step.source, version: envelope.seq }, step.reduce);
    if (outcome === ApplyOutcome.Gap) {
      const list = waiting.get(step.source) ?? [];
      list.push(envelope);
      waiting.set(step.source, list);
      return;
    }
    if (outcome === ApplyOutcome.Applied) counts.applied++;
    else counts.skipped++;
    const next = waiting.get(step.source)?.find((e) => e.seq === envelope.seq + 1);
    if (next) {
      waiting.get(step.source)!.splice(waiting.get(step.source)!.indexOf(next), 1);
      await apply(next);
    }
  };
  for await (const raw of events) {
    let envelope: Envelope;
    try {
      envelope = {
        ...raw,
        payload: isProjected(raw.type) ? options.registry.parse(raw.type, raw.payload) : raw.payload,
      };
    } catch (error) {
      counts.invalid++;
      options.logger?.warn({ err: error, messageId: raw.id, type: raw.type }, 'rebuild skipped an invalid event');
      continue;
    }
    await apply(envelope);
  }
  // What still waits lost its predecessor for good (before the replay horizon, or dead-lettered):
  // apply it over the gap, as the live consumer does, oldest first.
  for (const list of waiting.values()) {
    let previous: number | undefined;
    for (const envelope of list.sort((a, b) => a.seq - b.seq)) {
      const step = projectionOf(envelope)!;
      const change = { source: step.source, version: envelope.seq };
      const outcome = await writer.apply(step.key, change, step.reduce, { acceptGap: true });
      if (outcome !== ApplyOutcome.Applied) counts.skipped++;
      else if (previous !== undefined && envelope.seq === previous + 1) counts.applied++;
      else counts.gaps++;
      previous = envelope.seq;
    }
  }
}

// The batch fast path: several deliveries commit in one transaction, with one statement for all
// their inbox rows and one for all their seqs. Anything unusual (a decode or schema failure, a
// seq that is not the next, a failing handler) returns `undefined` after rolling back, and the
// caller processes each delivery on its own, where retries and the DLQ apply.
import type { Db } from '@ordo/db';
import type { Faults } from '@ordo/faults';
import type { ConsumerSequences, Inbox } from '@ordo/inbox';
import { type Envelope, parseEnvelope } from '../envelope.js';
import type { SchemaRegistry } from '../schema-registry.js';
import type { Delivery } from '../transport.port.js';
import type { DeliveryOutcome, MessageHandler } from './context.js';
import type { FailureLog } from './failure-log.js';

export interface BatchDeps {
  readonly consumer: string;
  readonly db: Db;
  readonly inbox: Inbox;
  readonly sequences: ConsumerSequences | undefined;
  readonly failures: FailureLog;
  readonly registry: SchemaRegistry;
  readonly handlers: Readonly<Record<string, MessageHandler<unknown>>>;
  readonly faults: Faults;
}

export interface BatchItem {
  readonly delivery: Delivery;
  readonly envelope: Envelope;
  outcome: DeliveryOutcome;
  /** The ack committed with the batch's transaction (`Delivery.ackWithin`). */
  ackedInTransaction: boolean;
}

class Fallback extends Error {}

/** Processes `deliveries` in one transaction; `undefined` means: process them one by one. */
export async function processBatch(deps: BatchDeps, deliveries: readonly Delivery[]): Promise<BatchItem[] | undefined> {
  let items: Array<BatchItem & { payload: unknown; handler: MessageHandler<unknown> | undefined }>;
  try {
    items = deliveries.map((delivery) => {
      const envelope = parseEnvelope(delivery.message.body);
      const handler = deps.handlers[envelope.type];
      const payload = handler ? deps.registry.parse(envelope.type, envelope.payload) : undefined;
      return {
        delivery,
        envelope,
        payload,
        handler,
        outcome: 'duplicate' as DeliveryOutcome,
        ackedInTransaction: false,
      };
    });
  } catch {
    return undefined;
  }
  try {
    await deps.db.transaction(async (tx) => {
      const fresh = await deps.inbox.claimMany(
        tx,
        items.map((i) => i.envelope.id),
      );
      // One delivery per new id: a copy of the same message in the batch stays a duplicate.
      // Applied in seq order: a reordered run of one aggregate is still applied 1, 2, 3.
      const toApply = items.filter((i) => fresh.delete(i.envelope.id)).sort((a, b) => a.envelope.seq - b.envelope.seq);
      if (deps.sequences) {
        const runs = consecutiveRuns(toApply.map((i) => i.envelope));
        if (!runs) throw new Fallback();
        const advanced = await deps.sequences.advanceRuns(tx, runs);
        if (advanced.size !== runs.length) throw new Fallback();
      }
      for (const item of toApply) {
        item.outcome = item.handler ? 'processed' : 'ignored';
        if (!item.handler) continue;
        await item.handler(item.payload, {
          tx,
          envelope: item.envelope,
          consumer: deps.consumer,
          deliveryCount: item.delivery.deliveryCount,
        });
        if (item.delivery.deliveryCount > 1) await deps.failures.clear(tx, item.envelope.id);
      }
      for (const item of items) item.ackedInTransaction = (await item.delivery.ackWithin?.(tx, deps.db)) ?? false;
      await deps.faults.hit('consumer.beforeCommit');
    });
  } catch {
    for (const item of items) item.ackedInTransaction = false;
    return undefined;
  }
  await deps.faults.hit('consumer.afterCommit');
  return items;
}

/** Per key, the seqs of the batch as one run `from..to`, or undefined if a key's seqs are not consecutive. */
function consecutiveRuns(envelopes: readonly Envelope[]): Array<{ key: string; from: number; to: number }> | undefined {
  const byKey = new Map<string, number[]>();
  for (const e of envelopes) {
    const seqs = byKey.get(e.key);
    if (seqs) seqs.push(e.seq);
    else byKey.set(e.key, [e.seq]);
  }
  const runs: Array<{ key: string; from: number; to: number }> = [];
  for (const [key, seqs] of byKey) {
    seqs.sort((a, b) => a - b);
    for (let i = 1; i < seqs.length; i++) if (seqs[i] !== (seqs[i - 1] as number) + 1) return undefined;
    runs.push({ key, from: seqs[0] as number, to: seqs.at(-1) as number });
  }
  return runs;
}

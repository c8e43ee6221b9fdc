// The tracking stream into the orders' live feeds. A kernel consumer (inbox and DLQ in the
// `query` schema; a malformed batch goes to the DLQ with its reason), unordered (pings carry their
// time, the feed keeps them in order), committing many batches per transaction.
import { TrackingEvents, TrackingTopic, trackingSchemas } from '@ordo/contracts-delivery';
import type { Db } from '@ordo/db';
import type { Faults } from '@ordo/faults';
import type { Logger } from '@ordo/logger';
import { Consumer, SchemaRegistry, type Transport } from '@ordo/messaging';
import type { z } from 'zod';
import { projectLocations, type TrackingDeps } from '../../use-cases/project-tracking.use-case.js';

export interface TrackingConsumerDeps extends TrackingDeps {
  readonly db: Db;
  readonly schema: string;
  readonly transport: Transport;
  readonly faults: Faults;
  readonly logger: Logger;
  readonly fetchWaitMs?: number;
}

type LocationsReported = z.infer<typeof TrackingEvents.locationsReported.schema>;

export function trackingConsumer(deps: TrackingConsumerDeps): Consumer {
  return new Consumer({
    name: 'query.tracking',
    topic: TrackingTopic,
    db: deps.db,
    schema: deps.schema,
    transport: deps.transport,
    registry: new SchemaRegistry().registerAll(trackingSchemas),
    handlers: {
      [TrackingEvents.locationsReported.type]: (report: LocationsReported) =>
        projectLocations(deps, { orderId: report.orderId, pings: report.pings }),
    },
    ordered: false,
    concurrency: 4,
    batchSize: 256,
    transactionBatchSize: 64,
    fetchWaitMs: deps.fetchWaitMs,
    // The stream is live data: a new group starts at the head, not at yesterday's pings.
    start: { kind: 'new' },
    faults: deps.faults,
    logger: deps.logger,
  });
}

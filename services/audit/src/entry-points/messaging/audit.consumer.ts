// The audit stream's consumer (group `audit.log`): each event is appended to the chain in its
// inbox transaction, so a redelivery is acknowledged without a second entry.
import { AuditEvents, type AuditRecorded, AuditTopics, auditSchemas } from '@ordo/contracts-audit';
import type { Faults } from '@ordo/faults';
import type { Logger } from '@ordo/logger';
import { Consumer, type HandlerContext, SchemaRegistry, type Transport } from '@ordo/messaging';
import { appendEntry } from '../../use-cases/append-entry.use-case.js';
import type { AuditDeps } from '../../use-cases/audit.deps.js';

export const AUDIT_CONSUMER_GROUP = 'audit.log';

export interface AuditConsumerOptions {
  readonly schema: string;
  readonly transport: Transport;
  readonly faults: Faults;
  readonly logger: Logger;
  readonly fetchWaitMs?: number;
}

export function createAuditConsumer(deps: AuditDeps, options: AuditConsumerOptions): Consumer {
  return new Consumer({
    name: AUDIT_CONSUMER_GROUP,
    topic: AuditTopics.events,
    db: deps.db,
    schema: options.schema,
    transport: options.transport,
    registry: new SchemaRegistry().registerAll(auditSchemas),
    handlers: {
      [AuditEvents.recorded.type]: async (event: AuditRecorded, ctx: HandlerContext<AuditRecorded>) => {
        await appendEntry(deps, ctx.tx, ctx.envelope, event);
      },
    },
    // Appends serialize on one lock anyway; more would only queue on it.
    concurrency: 2,
    fetchWaitMs: options.fetchWaitMs,
    faults: options.faults,
    logger: options.logger,
  });
}

// Types shared by the consumer runner and its middlewares (Watermill style: each middleware
// wraps the next handler and adds one behaviour).
import type { SqlExecutor } from '@ordo/db';
import type { Envelope } from '../envelope.js';
import type { Delivery } from '../transport.port.js';

export type DeliveryOutcome =
  /** The handler ran and its effects committed. */
  | 'processed'
  /** The message id was already processed: acknowledged without effects. */
  | 'duplicate'
  /** An older seq than the aggregate's last applied one: acknowledged without effects. */
  | 'stale'
  /** No handler for the type: recorded and acknowledged. */
  | 'ignored';

export interface DeliveryContext {
  readonly consumer: string;
  readonly delivery: Delivery;
  /** A DLQ replay: the operator asked for it, so the inbox and sequence checks are bypassed. */
  readonly replay: boolean;
  /** Runs in the handler's transaction before the handler (the replay's guard). */
  readonly beforeHandle?: (tx: SqlExecutor) => Promise<void>;
  /** Set by the decode middleware. */
  envelope?: Envelope;
  /** Set by the inbox middleware: the transaction the handler's effects join. */
  tx?: SqlExecutor;
  /** Set by the validate middleware. */
  payload?: unknown;
  outcome: DeliveryOutcome;
  /** Set by the inbox middleware when the ack committed with the transaction (`Delivery.ackWithin`). */
  ackedInTransaction?: boolean;
  /** How the settle middleware finished with the delivery. */
  settled?: 'acked' | 'retrying' | 'held' | 'dead-lettered';
}

export type DeliveryHandler = (ctx: DeliveryContext) => Promise<void>;
export type Middleware = (next: DeliveryHandler) => DeliveryHandler;

/** What a service writes: effects go through `ctx.tx`, in the inbox transaction. */
export interface HandlerContext<P = unknown> {
  readonly tx: SqlExecutor;
  readonly envelope: Envelope<P>;
  readonly consumer: string;
  readonly deliveryCount: number;
}

export type MessageHandler<P = unknown> = (payload: P, ctx: HandlerContext<P>) => Promise<void>;

export function compose(middlewares: readonly Middleware[], final: DeliveryHandler): DeliveryHandler {
  return middlewares.reduceRight<DeliveryHandler>((next, middleware) => middleware(next), final);
}

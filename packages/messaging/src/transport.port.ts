// The transport port: what every broker adapter (pglog, NATS JetStream, later Kafka) offers.
// It speaks in topics, keys, durable consumer groups and stream positions, so Kafka's
// semantics stay reachable: a key orders one aggregate, a group shares a topic's load
// between competing consumers, and a group can be moved back to replay from a position.
import type { Db, SqlExecutor } from '@ordo/db';

/** A message as a broker carries it. The body is the serialized envelope (JSON text). */
export interface TransportMessage {
  /** Unique id; brokers deduplicate on it (NATS `Nats-Msg-Id`, pglog unique index). */
  readonly id: string;
  /** Logical stream, e.g. `order.events`, `payment.commands`. Lowercase, dot separated. */
  readonly topic: string;
  /** Message type, e.g. `order.placed.v1`. */
  readonly type: string;
  /** Ordering / partition key: the aggregate id. */
  readonly key: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface Publisher {
  /**
   * Resolves once the broker has durably accepted every message. Rejects if any was not
   * accepted; some may have been, so callers retry the whole batch and rely on dedup by id.
   */
  publish(messages: readonly TransportMessage[]): Promise<void>;
  /**
   * Only for a transport whose log lives in a database (pglog): that database. A caller holding
   * a transaction on it can publish with `publishWithin` and commit the messages with its own
   * writes, instead of a transaction of the transport's own.
   */
  readonly logDatabase?: Db;
  /** With `logDatabase`: appends inside `tx`, a transaction on that database. */
  publishWithin?(tx: SqlExecutor, messages: readonly TransportMessage[], options?: PublishWithinOptions): Promise<void>;
  close(): Promise<void>;
}

export interface PublishWithinOptions {
  /**
   * Append right before `tx` commits (when it supports `beforeCommit`) instead of now, with the
   * transaction's other appends and acks, in its last statements: a lock the append takes is then
   * held from there to the commit only. A savepoint rolled back after the call
   * (`SqlExecutor.savepoint`) takes the messages back out. A transport that cannot defer appends now.
   */
  readonly atCommit?: boolean;
}

/** Where a new consumer group starts, or where `seek` moves it. */
export type StartPosition =
  | { readonly kind: 'beginning' }
  | { readonly kind: 'new' }
  /** Deliver from this position on (inclusive). */
  | { readonly kind: 'position'; readonly position: number };

export interface SubscriptionSpec {
  readonly topic: string;
  /** Durable consumer group: every subscriber with the same group shares the messages. */
  readonly group: string;
  /** A delivery not acknowledged within this time is delivered again. */
  readonly ackWaitMs: number;
  /** Where the group starts when it is first created. Default: beginning. */
  readonly start?: StartPosition;
  /**
   * Transport-level delivery cap. Default unlimited: the consumer runner owns the attempt
   * budget and dead-letters explicitly, so no broker drops a message silently.
   */
  readonly maxDeliver?: number;
}

export interface Delivery {
  readonly message: TransportMessage;
  /** Stream position: increases with publish order within a topic. */
  readonly position: number;
  /** 1 on the first delivery, then 2, 3, … */
  readonly deliveryCount: number;
  /** Done: never deliver again to this group. */
  ack(): Promise<void>;
  /**
   * Only for a transport whose state lives in a database (pglog): when `db` is that database,
   * acknowledges inside `tx` (a transaction on it) and returns true, so the ack commits with the
   * handler's effects and nothing is left for `ack()` once `tx` has committed. Returns false
   * otherwise, and the caller acknowledges after its commit as usual.
   */
  ackWithin?(tx: SqlExecutor, db: Db): Promise<boolean>;
  /** Not done: deliver again (to any member of the group) after `delayMs`. */
  nak(delayMs: number): Promise<void>;
  /** Still working: push the redelivery deadline out by another ack wait. */
  touch(): Promise<void>;
}

export interface Subscription {
  /**
   * Up to `max` deliveries. Waits at most `waitMs` when nothing is available; resolves as
   * soon as something is. Returns an empty array after `close()`.
   */
  fetch(max: number, waitMs: number): Promise<Delivery[]>;
  /** Stops fetching. Deliveries already handed out can still be acked or naked. */
  close(): Promise<void>;
}

export interface TransportFeatures {
  /** Publishing the same id twice stores it once (within `dedupWindowMs`). */
  readonly dedupById: boolean;
  readonly dedupWindowMs: number;
  /** `nak(delay)` honours the delay. */
  readonly delayedRedelivery: boolean;
  /** `seek` can move a group to any retained position. */
  readonly replayFromPosition: boolean;
  /** Several processes may subscribe with one group (needs a shared server). */
  readonly multiProcess: boolean;
  /**
   * Deliveries can be acknowledged inside a consumer's transaction on the transport's database
   * (`Delivery.ackWithin`): a consumer on that database never sees its own committed message again.
   */
  readonly ackWithinTransaction: boolean;
}

export interface TopicOptions {
  /** Messages older than this are removed. Default 7 days. */
  readonly maxAgeMs?: number;
  /** At most this many messages are kept (oldest removed first). Default unlimited. */
  readonly maxMessages?: number;
}

export interface Transport extends Publisher {
  readonly name: string;
  readonly features: TransportFeatures;
  /** Creates the topic if missing (idempotent). */
  ensureTopic(topic: string, options?: TopicOptions): Promise<void>;
  /**
   * Removes the topic with its messages, its groups' positions and pending deliveries, and its
   * dedup memory; resolves as well when it does not exist. Using the name afterwards starts a
   * new topic (positions may start over). For tests, benchmarks and decommissioning tools; the
   * kernel never calls it. Close the topic's subscriptions first: what one left open sees is up
   * to the adapter.
   */
  deleteTopic(topic: string): Promise<void>;
  subscribe(spec: SubscriptionSpec): Promise<Subscription>;
  /** Moves a group so its next deliveries start at `start`; pending deliveries are dropped. */
  seek(topic: string, group: string, start: StartPosition): Promise<void>;
  /** Position of the newest message in the topic, or 0 when empty. */
  headPosition(topic: string): Promise<number>;
}

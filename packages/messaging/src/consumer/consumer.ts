// The consumer runner: fetch → decode → inbox transaction (dedup, seq) → validate → handler
// → commit → ack, with retries, dead-lettering, bounded concurrency and a graceful drain.
import type { Db } from '@ordo/db';
import { AppError, Errors, errorMessage } from '@ordo/errors';
import { type Faults, noFaults } from '@ordo/faults';
import { ConsumerSequences, Inbox } from '@ordo/inbox';
import { type Logger, silentLogger } from '@ordo/logger';
import { type BackoffOptions, defaultBackoff, fullJitterDelay } from '../backoff.js';
import { type DeadLetter, type DeadLetterQuery, DeadLetterStore } from '../dead-letters.js';
import type { Envelope } from '../envelope.js';
import type { SchemaRegistry } from '../schema-registry.js';
import type { Delivery, StartPosition, Subscription, Transport } from '../transport.port.js';
import { type BatchDeps, processBatch } from './batch-processor.js';
import {
  compose,
  type DeliveryContext,
  type DeliveryHandler,
  type MessageHandler,
  type Middleware,
} from './context.js';
import { decodeMiddleware } from './decode.middleware.js';
import { FailureLog } from './failure-log.js';
import { inboxMiddleware } from './inbox.middleware.js';
import { KeyedDispatcher } from './keyed-dispatcher.js';
import { lanesByKey, packLanes } from './lanes.js';
import { Resequencer } from './resequencer.js';
import { type RetryPolicy, settleMiddleware } from './settle.middleware.js';
import { ConsumerStats } from './stats.js';
import { validateMiddleware } from './validate.middleware.js';

/** See ConsumerOptions.fetchWaitMs. */
export const DEFAULT_FETCH_WAIT_MS = 30_000;

export interface ConsumerOptions {
  /** Consumer group name, unique per service: `<service>.<purpose>`. */
  readonly name: string;
  readonly topic: string;
  readonly db: Db;
  /** The owning service's schema (inbox, DLQ and failure tables live there). */
  readonly schema: string;
  readonly transport: Transport;
  readonly registry: SchemaRegistry;
  // biome-ignore lint/suspicious/noExplicitAny: each handler's payload type comes from its own schema
  readonly handlers: Readonly<Record<string, MessageHandler<any>>>;
  /** Enforce per-aggregate order by `seq`. Default true. */
  readonly ordered?: boolean;
  readonly maxAttempts?: number;
  readonly backoff?: BackoffOptions;
  readonly gapBackoff?: BackoffOptions;
  readonly maxGapDeliveries?: number;
  /**
   * How long a message that arrived before its predecessor waits in this process before it goes
   * back to the broker. Short: a predecessor in this process arrives within milliseconds; one at
   * another instance is not worth waiting for. Default 100 ms.
   */
  readonly gapHoldMs?: number;
  /** Transactions in flight at once (different aggregates). Default 8. */
  readonly concurrency?: number;
  /**
   * Messages committed together in one transaction (inbox rows and effects of all of them).
   * Default 1. Larger batches amortize the commit, which suits projections; if any message of a
   * batch fails, the batch rolls back and each message is processed on its own.
   */
  readonly transactionBatchSize?: number;
  readonly batchSize?: number;
  readonly ackWaitMs?: number;
  /**
   * How long one fetch waits for messages. It returns as soon as any arrive and at once on stop(),
   * so a long wait costs nothing but keeps an idle consumer idle. Default 30 s.
   */
  readonly fetchWaitMs?: number;
  /** Where the group starts when it is first created. Default: beginning. */
  readonly start?: StartPosition;
  /** Replaying a dead letter needs `{ confirm: true }` (payment messages). */
  readonly replayRequiresConfirmation?: boolean;
  /**
   * Inbox rows older than this are pruned (every `inboxPruneIntervalMs`, default 10 min). Must
   * exceed the broker's retention and the retry budget. Default 7 days.
   */
  readonly inboxRetentionMs?: number;
  readonly inboxPruneIntervalMs?: number;
  /** Called after a message's effects committed (before the ack): latency metrics hook in here. */
  readonly onProcessed?: (envelope: Envelope) => void;
  readonly faults?: Faults;
  readonly logger?: Logger;
}

export interface ReplayOptions {
  /** Required when the consumer handles payment messages. */
  readonly confirm?: boolean;
}

export class Consumer {
  readonly stats = new ConsumerStats();
  readonly name: string;
  readonly topic: string;
  private readonly db: Db;
  private readonly transport: Transport;
  private readonly inbox: Inbox;
  private readonly sequences: ConsumerSequences | undefined;
  private readonly deadLetters: DeadLetterStore;
  /** One delivery, settled: ack, retry or DLQ. */
  private readonly pipeline: DeliveryHandler;
  /** One delivery inside a transaction, errors passed up: for batches and replays. */
  private readonly innerPipeline: DeliveryHandler;
  private readonly onProcessed: ((envelope: Envelope) => void) | undefined;
  private readonly faults: Faults;
  private readonly batchDeps: BatchDeps;
  private readonly logger: Logger;
  private readonly resequencer: Resequencer;
  /** Fetched but unfinished messages (running, queued or held back) are bounded by this. */
  private readonly maxPending: number;
  private dispatcher: KeyedDispatcher | undefined;
  private subscription: Subscription | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ConsumerOptions) {
    this.name = options.name;
    this.topic = options.topic;
    this.db = options.db;
    this.transport = options.transport;
    this.logger = (options.logger ?? silentLogger).child({ consumer: options.name });
    const faults = options.faults ?? noFaults;
    this.faults = faults;
    this.onProcessed = options.onProcessed;
    this.inbox = new Inbox(options.schema, options.name);
    this.sequences = options.ordered === false ? undefined : new ConsumerSequences(options.schema, options.name);
    this.deadLetters = new DeadLetterStore(options.schema);
    const failures = new FailureLog(options.schema, options.name);
    const policy: RetryPolicy = {
      maxAttempts: options.maxAttempts ?? 5,
      backoff: options.backoff ?? defaultBackoff,
      gapBackoff: options.gapBackoff ?? { baseMs: 50, maxMs: 1_000 },
      maxGapDeliveries: options.maxGapDeliveries ?? 500,
    };
    const handlers = options.handlers;
    const dispatch: DeliveryHandler = async (ctx) => {
      const envelope = ctx.envelope!;
      const handler = handlers[envelope.type]!;
      await handler(ctx.payload, {
        tx: ctx.tx!,
        envelope,
        consumer: ctx.consumer,
        deliveryCount: ctx.delivery.deliveryCount,
      });
      ctx.outcome = 'processed';
    };
    const handled = new Set(Object.keys(handlers));
    const report: Middleware = (next) => async (ctx) => {
      await next(ctx);
      if (ctx.outcome === 'processed') this.onProcessed?.(ctx.envelope!);
    };
    const inbox = inboxMiddleware({ db: this.db, inbox: this.inbox, sequences: this.sequences, failures, faults });
    const validate = validateMiddleware(options.registry, handled);
    const gapBackoff = policy.gapBackoff;
    const ackWaitMs = options.ackWaitMs ?? 30_000;
    this.maxPending = Math.max(
      options.batchSize ?? 32,
      (options.concurrency ?? 8) * (options.transactionBatchSize ?? 1) * 2,
    );
    // At most half the pending budget waits for predecessors, so fetching never stalls on it.
    this.resequencer = new Resequencer(
      Math.min(options.gapHoldMs ?? 100, ackWaitMs / 4),
      Math.ceil(this.maxPending / 2),
      (delivery) => {
        delivery.nak(fullJitterDelay(delivery.deliveryCount, gapBackoff)).catch(() => {});
      },
    );
    const settle = settleMiddleware({
      holdForPredecessor: (ctx) =>
        this.dispatcher !== undefined &&
        !this.stopping &&
        this.resequencer.hold(ctx.envelope!.key, ctx.envelope!.seq, ctx.delivery),
      db: this.db,
      topic: options.topic,
      inbox: this.inbox,
      sequences: this.sequences,
      failures,
      deadLetters: this.deadLetters,
      policy,
      stats: this.stats,
      logger: this.logger,
    });
    this.pipeline = compose([settle, report, decodeMiddleware, inbox, validate], dispatch);
    this.innerPipeline = compose([decodeMiddleware, inbox, validate], dispatch);
    this.batchDeps = {
      consumer: options.name,
      db: this.db,
      inbox: this.inbox,
      sequences: this.sequences,
      failures,
      registry: options.registry,
      handlers,
      faults,
    };
  }

  /** Subscribes and starts consuming in the background. */
  async start(): Promise<void> {
    if (this.loop) return;
    this.stopping = false;
    this.subscription = await this.transport.subscribe({
      topic: this.topic,
      group: this.name,
      ackWaitMs: this.options.ackWaitMs ?? 30_000,
      start: this.options.start ?? { kind: 'beginning' },
    });
    this.loop = this.run(this.subscription);
    this.pruneTimer = setInterval(() => {
      this.pruneInbox().catch((err) => this.logger.warn({ err }, 'inbox prune failed'));
    }, this.options.inboxPruneIntervalMs ?? 600_000);
    this.pruneTimer.unref();
  }

  /** Deletes this consumer's inbox rows past the retention horizon; returns how many. */
  pruneInbox(): Promise<number> {
    return this.inbox.prune(this.db, this.options.inboxRetentionMs ?? 7 * 86_400_000);
  }

  /**
   * Graceful drain: stops fetching, lets every delivery already fetched finish and be
   * acknowledged, then resolves. Nothing in flight is abandoned to a redelivery.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.pruneTimer);
    await this.subscription?.close();
    await this.loop;
    this.loop = undefined;
    this.subscription = undefined;
  }

  private async run(subscription: Subscription): Promise<void> {
    const batchSize = this.options.batchSize ?? 32;
    const waitMs = this.options.fetchWaitMs ?? DEFAULT_FETCH_WAIT_MS;
    const concurrency = this.options.concurrency ?? 8;
    const ordered = this.sequences !== undefined;
    const perTransaction = this.options.transactionBatchSize ?? 1;
    const dispatcher = new KeyedDispatcher(concurrency, (error) =>
      this.logger.error({ err: error }, 'message processing failed unexpectedly'),
    );
    this.dispatcher = dispatcher;
    let failures = 0;
    while (!this.stopping) {
      const room = this.maxPending - dispatcher.pending - this.resequencer.size;
      if (room <= 0) {
        // Only running work frees room here (held messages are capped below the budget).
        await dispatcher.whenSomeSettle();
        continue;
      }
      let batch: Delivery[];
      try {
        batch = await subscription.fetch(Math.min(batchSize, room), waitMs);
        failures = 0;
      } catch (error) {
        failures++;
        this.logger.warn({ err: error }, 'fetch failed; backing off');
        await sleep(fullJitterDelay(failures, { baseMs: 200, maxMs: 5_000 }) + 50);
        continue;
      }
      for (const chunk of packLanes(lanesByKey(batch, ordered), perTransaction)) {
        const keys = ordered ? [...new Set(chunk.map((d) => d.message.key))] : [];
        if (chunk.length === 1) dispatcher.submit(keys, 1, () => this.handle(chunk[0]!));
        else dispatcher.submit(keys, chunk.length, () => this.handleBatch(chunk));
      }
    }
    // Graceful drain: everything fetched is finished and acknowledged before stop() resolves;
    // what waits for a predecessor goes back to the broker at once, for another instance.
    await dispatcher.drain();
    this.dispatcher = undefined;
    await Promise.all(this.resequencer.releaseAll().map((d) => d.nak(0).catch(() => {})));
  }

  /** After `key` advanced, runs the successors that were waiting for it. */
  private releaseSuccessors(key: string): void {
    const waiting = this.resequencer.release(key);
    for (const delivery of waiting) this.dispatcher?.submit([key], 1, () => this.handle(delivery));
  }

  /** Several deliveries in one transaction; if that cannot be done, each on its own instead. */
  private async handleBatch(deliveries: Delivery[]): Promise<void> {
    const items = await processBatch(this.batchDeps, deliveries);
    if (!items) {
      for (const delivery of deliveries) await this.handle(delivery);
      return;
    }
    for (const item of items) {
      this.stats.count(item.outcome);
      if (item.outcome === 'processed') this.onProcessed?.(item.envelope);
      if (item.ackedInTransaction) continue;
      await item.delivery.ack().catch((error) => {
        this.logger.warn({ err: error }, 'could not acknowledge; the message will be redelivered');
      });
    }
    for (const key of new Set(items.map((i) => i.envelope.key))) this.releaseSuccessors(key);
  }

  private async handle(delivery: Delivery): Promise<void> {
    const ctx: DeliveryContext = { consumer: this.name, delivery, replay: false, outcome: 'processed' };
    try {
      await this.pipeline(ctx);
    } catch (error) {
      // Only the ack itself can fail here (the settle middleware handles everything else);
      // the message is then redelivered and the inbox recognises it.
      this.logger.warn({ err: error }, 'could not acknowledge; the message will be redelivered');
    }
    if (ctx.envelope && (ctx.settled === 'acked' || ctx.settled === 'dead-lettered')) {
      this.releaseSuccessors(ctx.envelope.key);
    }
  }

  /** Lists this consumer's dead letters. */
  listDeadLetters(query: Omit<DeadLetterQuery, 'consumer'> = {}): Promise<DeadLetter[]> {
    return this.deadLetters.list(this.db, { ...query, consumer: this.name });
  }

  getDeadLetter(id: number): Promise<DeadLetter | undefined> {
    return this.deadLetters.get(this.db, id);
  }

  /**
   * Runs a dead letter through this consumer's handler once more. Its effects, and marking the
   * dead letter replayed, commit together; a second replay is refused. Bypasses the seq check.
   */
  async replayDeadLetter(id: number, options: ReplayOptions = {}): Promise<void> {
    if (this.options.replayRequiresConfirmation && options.confirm !== true) {
      throw new AppError(Errors.DLQ_CONFIRMATION_REQUIRED, { details: { id } });
    }
    const letter = await this.deadLetters.get(this.db, id);
    if (!letter || letter.consumer !== this.name) throw new AppError(Errors.DLQ_NOT_FOUND, { details: { id } });
    if (letter.replayedAt) throw new AppError(Errors.DLQ_ALREADY_REPLAYED, { details: { id } });
    const delivery = replayDelivery(letter);
    const ctx: DeliveryContext = {
      consumer: this.name,
      delivery,
      replay: true,
      outcome: 'processed',
      // Inside the handler's transaction: lock the dead letter so two replays cannot both apply.
      beforeHandle: async (tx) => {
        if (!(await this.deadLetters.lockForReplay(tx, id))) {
          throw new AppError(Errors.DLQ_ALREADY_REPLAYED, { details: { id } });
        }
        await this.deadLetters.markReplayed(tx, id);
      },
    };
    try {
      await this.innerPipeline(ctx);
    } catch (error) {
      if (!(error instanceof AppError && error.code === Errors.DLQ_ALREADY_REPLAYED.code)) {
        await this.deadLetters.recordReplayFailure(this.db, id, `replay failed: ${errorMessage(error)}`);
      }
      throw error;
    }
    this.stats.count(ctx.outcome);
  }

  /** Replays every open dead letter of this consumer; returns how many succeeded and failed. */
  async replayAllDeadLetters(options: ReplayOptions = {}): Promise<{ replayed: number; failed: number }> {
    let replayed = 0;
    let failed = 0;
    let afterId = 0;
    for (;;) {
      const page = await this.listDeadLetters({ afterId, limit: 100 });
      if (page.length === 0) return { replayed, failed };
      for (const letter of page) {
        afterId = letter.id;
        try {
          await this.replayDeadLetter(letter.id, options);
          replayed++;
        } catch (error) {
          if (error instanceof AppError && error.code === Errors.DLQ_CONFIRMATION_REQUIRED.code) throw error;
          failed++;
        }
      }
    }
  }

  /**
   * Replays the topic from `position` for this group (Kafka's offset reset): forgets what the
   * inbox and seq table know of this consumer, then moves the group. Up to today's head, the
   * first message seen per aggregate sets its baseline seq.
   */
  async replayFrom(position: number): Promise<void> {
    const head = await this.transport.headPosition(this.topic);
    await this.db.transaction(async (tx) => {
      await this.inbox.reset(tx);
      await this.sequences?.reset(tx, head);
    });
    await this.transport.seek(this.topic, this.name, { kind: 'position', position });
  }
}

function replayDelivery(letter: DeadLetter): Delivery {
  return {
    message: {
      id: letter.messageId,
      topic: letter.topic,
      type: letter.type ?? '',
      key: letter.key ?? '',
      headers: letter.headers,
      body: letter.body,
    },
    position: letter.position,
    deliveryCount: letter.attempts + 1,
    ack: async () => {},
    nak: async () => {},
    touch: async () => {},
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

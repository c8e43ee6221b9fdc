// The pglog transport: the message log in a Postgres table (PGlite in the embedded shape,
// node-postgres against a server in the distributed one), behind the messaging Transport port.
import { type Db, migrate } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import type { Subscription, Transport, TransportFeatures, TransportMessage } from '@ordo/messaging';
import { appendMessages } from './append.js';
import { appendAtCommit, takeWaitingAcks } from './commit-work.js';
import { ensureGroup, seekGroup } from './groups.js';
import { HandoffRegistry } from './handoff.js';
import { pglogMigrations } from './migrations.js';
import { createTopicNotifier, type TopicNotifier } from './notifier.js';
import { type PruneResult, pruneLog } from './retention.js';
import { createSubscription } from './subscription.js';
import { DEFAULT_MAX_AGE_MS, logTables } from './tables.js';
import { deleteTopic, headPosition, upsertTopic } from './topics.js';

export interface PglogTransportOptions {
  readonly db: Db;
  /** Schema holding the log's tables. Default `ordo_log`. */
  readonly schema?: string;
  /**
   * Fallback wake-up of a waiting fetch. Appends NOTIFY and this process's naks wake fetchers
   * themselves; the poll only catches leases that ran out, other processes' naks and lost
   * notifications, so it can be slow: an idle fetcher costs one cheap read per interval. Default 2 s.
   */
  readonly pollIntervalMs?: number;
  /** How often retention runs in the background; 0 turns the timer off. Default 60 s. */
  readonly pruneIntervalMs?: number;
  /** Receives errors of the background prune (which retries at its next interval). Default: ignored. */
  readonly onBackgroundError?: (error: unknown) => void;
}

export interface PglogTransport extends Transport {
  /** Runs retention now (the timer calls the same thing). */
  prune(): Promise<PruneResult>;
}

const DEFAULT_POLL_INTERVAL_MS = 2_000;
const DEFAULT_PRUNE_INTERVAL_MS = 60_000;

function closedError(): AppError {
  return new AppError(Errors.MSG_TRANSPORT_CLOSED, { message: 'the pglog transport is closed' });
}

export async function createPglogTransport(options: PglogTransportOptions): Promise<PglogTransport> {
  const { db } = options;
  const schema = options.schema ?? 'ordo_log';
  const tables = logTables(schema);
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const pruneIntervalMs = options.pruneIntervalMs ?? DEFAULT_PRUNE_INTERVAL_MS;
  const onBackgroundError = options.onBackgroundError ?? (() => {});
  await migrate(db, schema, pglogMigrations);

  let closed = false;
  let closing: Promise<void> | undefined;
  const subscriptions = new Set<Subscription>();
  // This process's subscriptions, offered the messages its transactions append at commit.
  const handoff = new HandoffRegistry();
  // One LISTEN connection per transport, opened by the first subscribe: a publish-only
  // transport (an outbox relay) never holds one.
  let notifier: Promise<TopicNotifier> | undefined;
  let pruning: Promise<PruneResult> | undefined;

  const assertOpen = (): void => {
    if (closed) throw closedError();
  };

  // Overlapping runs (a slow prune meeting the next tick, or a test's explicit call) share one run.
  const prune = (): Promise<PruneResult> => {
    pruning ??= pruneLog(db, tables).finally(() => {
      pruning = undefined;
    });
    return pruning;
  };
  const timer =
    pruneIntervalMs > 0
      ? setInterval(() => {
          prune().catch(onBackgroundError);
        }, pruneIntervalMs)
      : undefined;
  // Retention must never keep the process alive on its own.
  timer?.unref();

  const features: TransportFeatures = {
    dedupById: true,
    // Dedup lasts as long as the row: the default max age, shorter on a topic with tighter limits.
    dedupWindowMs: DEFAULT_MAX_AGE_MS,
    delayedRedelivery: true,
    replayFromPosition: true,
    // PGlite lives inside one process; on a server, every process sees the same tables and locks.
    multiProcess: db.kind === 'postgres',
    ackWithinTransaction: true,
  };

  return {
    name: 'pglog',
    features,
    logDatabase: db,

    async publishWithin(tx, messages, options = {}) {
      assertOpen();
      if (messages.length === 0) return;
      if (options.atCommit && tx.beforeCommit) appendAtCommit(tx, tx.beforeCommit, tables, messages, handoff);
      else await appendMessages(tx, tables, messages, { acks: takeWaitingAcks(tx, tables) });
    },

    async publish(messages: readonly TransportMessage[]) {
      assertOpen();
      if (messages.length === 0) return;
      try {
        await db.transaction((tx) => appendMessages(tx, tables, messages));
      } catch (cause) {
        throw new AppError(Errors.MSG_PUBLISH_FAILED, {
          message: `pglog could not append ${messages.length} message(s): ${(cause as Error).message}`,
          cause,
        });
      }
    },

    async ensureTopic(topic, topicOptions) {
      assertOpen();
      await upsertTopic(db, tables, topic, topicOptions);
    },

    async deleteTopic(topic) {
      assertOpen();
      await deleteTopic(db, tables, topic);
    },

    async subscribe(spec) {
      assertOpen();
      if (!(Number.isFinite(spec.ackWaitMs) && spec.ackWaitMs > 0)) {
        throw new AppError(Errors.CONFIG_INVALID, { message: `ackWaitMs must be > 0, got ${spec.ackWaitMs}` });
      }
      // A failed LISTEN is not memoized: the next subscribe tries again.
      notifier ??= createTopicNotifier(db).catch((error: unknown) => {
        notifier = undefined;
        throw error;
      });
      const topicNotifier = await notifier;
      await ensureGroup(db, tables, spec.topic, spec.group, spec.start ?? { kind: 'beginning' });
      assertOpen();
      const subscription = createSubscription(
        { db, tables, notifier: topicNotifier, pollIntervalMs, handoff, onClose: (s) => subscriptions.delete(s) },
        spec,
      );
      subscriptions.add(subscription);
      return subscription;
    },

    async seek(topic, group, start) {
      assertOpen();
      await seekGroup(db, tables, topic, group, start);
    },

    async headPosition(topic) {
      assertOpen();
      return headPosition(db, tables, topic);
    },

    prune() {
      if (closed) return Promise.reject(closedError());
      return prune();
    },

    close() {
      closed = true;
      closing ??= (async () => {
        if (timer) clearInterval(timer);
        await Promise.allSettled([...subscriptions].map((s) => s.close()));
        if (notifier) await (await notifier.catch(() => undefined))?.close();
        // The Db belongs to the caller; let a running prune finish so it can be closed right after.
        await pruning?.catch(() => {});
      })();
      return closing;
    },
  };
}

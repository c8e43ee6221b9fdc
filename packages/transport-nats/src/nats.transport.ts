// The NATS JetStream adapter of the Transport port: a stream per topic, a durable pull consumer per group.
import { AppError, Errors, isAppError } from '@ordo/errors';
import type {
  StartPosition,
  Subscription,
  SubscriptionSpec,
  TopicOptions,
  Transport,
  TransportFeatures,
  TransportMessage,
} from '@ordo/messaging';
import { connect, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';
import { brokerError, transportClosed } from './nats.errors.js';
import { toNatsHeaders } from './nats.message.js';
import { assertNamespace, consumerName, messageSubject, type TopicAddress, topicAddress } from './nats.names.js';
import { NatsSubscription } from './nats.subscription.js';
import {
  type ConsumerSettings,
  deleteStream,
  ensureConsumer,
  ensureStream,
  lastSequence,
  recreateConsumer,
  type StreamSettings,
} from './nats.topology.js';

export interface NatsTransportOptions {
  readonly servers: string | readonly string[];
  /** Connection name, shown by the server's monitoring. */
  readonly name?: string;
  /**
   * Keeps this deployment's topics apart from others on the same server (another deployment, a
   * parallel test run): in namespace `t1`, topic `order.events` is stream `ORDO_T1_ORDER_EVENTS`
   * on subjects `t1.order.events.>`. One lowercase token of [a-z0-9_-]. Consumer names stay as
   * they are, since they are per stream. Every process of a deployment must use the same one.
   * Default: none (`ORDO_ORDER_EVENTS`, `order.events.>`).
   */
  readonly namespace?: string;
  /** Stream replicas. Default 1; use 3 in production. */
  readonly replicas?: number;
  /** How long a message id is remembered for deduplication. Default 2 minutes. */
  readonly dedupWindowMs?: number;
  /** Retention of a topic whose options set none. Default 7 days. */
  readonly defaultMaxAgeMs?: number;
  /**
   * Unacknowledged deliveries a group may have outstanding before JetStream stops delivering.
   * Messages waiting out a `nak(delay)` count too, so JetStream's default (1,000) would let a
   * burst of backed-off failures stall a whole group. Default 20,000.
   */
  readonly maxAckPending?: number;
}

const DEFAULTS = {
  replicas: 1,
  dedupWindowMs: 2 * 60_000,
  defaultMaxAgeMs: 7 * 24 * 60 * 60_000,
  maxAckPending: 20_000,
  /** For a group that `seek` creates before anyone subscribed; a later subscribe sets its own. */
  defaultAckWaitMs: 30_000,
} as const;

/** Connects to NATS and checks that JetStream is enabled; streams and consumers are created on use. */
export async function createNatsTransport(options: NatsTransportOptions): Promise<Transport> {
  const servers = typeof options.servers === 'string' ? [options.servers] : [...options.servers];
  const { namespace } = options;
  if (namespace !== undefined) assertNamespace(namespace);
  const streams: StreamSettings = {
    replicas: positiveInteger('replicas', options.replicas ?? DEFAULTS.replicas),
    dedupWindowMs: positiveInteger('dedupWindowMs', options.dedupWindowMs ?? DEFAULTS.dedupWindowMs),
    defaultMaxAgeMs: positiveInteger('defaultMaxAgeMs', options.defaultMaxAgeMs ?? DEFAULTS.defaultMaxAgeMs),
  };
  const consumers: ConsumerSettings = {
    maxAckPending: positiveInteger('maxAckPending', options.maxAckPending ?? DEFAULTS.maxAckPending),
    defaultAckWaitMs: DEFAULTS.defaultAckWaitMs,
  };
  let nc: NatsConnection;
  try {
    // A service outlives broker restarts: keep reconnecting instead of giving up after nats.js's 10 tries.
    // noAsyncTraces: nats.js would otherwise capture a stack trace (`new Error()`) for every
    // request and pull, a hot-path cost per message; our errors name the operation and topic
    // themselves (brokerError).
    nc = await connect({ servers, name: options.name, maxReconnectAttempts: -1, noAsyncTraces: true });
  } catch (cause) {
    throw new AppError(Errors.MSG_TRANSPORT_CLOSED, {
      message: `could not connect to NATS at ${servers.join(', ')}`,
      cause,
      details: { servers },
    });
  }
  try {
    const jsm = await nc.jetstreamManager();
    return new NatsTransport(nc, jsm, nc.jetstream(), { streams, consumers, namespace });
  } catch (cause) {
    await nc.close();
    throw brokerError('connect (is JetStream enabled?)', cause, { servers });
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new AppError(Errors.CONFIG_INVALID, { message: `nats transport: ${name} must be a positive integer` });
  }
  return value;
}

interface Member {
  readonly stream: string;
  readonly consumer: string;
}

interface Topology {
  readonly streams: StreamSettings;
  readonly consumers: ConsumerSettings;
  readonly namespace: string | undefined;
}

class NatsTransport implements Transport {
  readonly name = 'nats';
  readonly features: TransportFeatures;
  /** Topic → its stream name, once created or found (a failed attempt is forgotten). */
  readonly #ensured = new Map<string, Promise<string>>();
  readonly #subscriptions = new Map<NatsSubscription, Member>();
  readonly #publishing = new Set<Promise<void>>();
  #closing: Promise<void> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly topology: Topology,
  ) {
    this.features = {
      dedupById: true,
      dedupWindowMs: topology.streams.dedupWindowMs,
      delayedRedelivery: true,
      replayFromPosition: true,
      multiProcess: true,
      ackWithinTransaction: false,
    };
  }

  async ensureTopic(topic: string, options?: TopicOptions): Promise<void> {
    this.#assertOpen('ensureTopic');
    const address = this.#address(topic);
    const ensured = ensureStream(this.jsm, address, this.topology.streams, 'declare', options);
    this.#remember(topic, ensured);
    try {
      await ensured;
    } catch (cause) {
      throw brokerError('ensureTopic', cause, { topic });
    }
  }

  async deleteTopic(topic: string): Promise<void> {
    this.#assertOpen('deleteTopic');
    const address = this.#address(topic);
    try {
      await deleteStream(this.jsm, address);
    } catch (cause) {
      throw brokerError('deleteTopic', cause, { topic });
    } finally {
      // The next publish or subscribe looks for the stream again (and creates a new one).
      this.#ensured.delete(topic);
    }
  }

  async publish(messages: readonly TransportMessage[]): Promise<void> {
    this.#assertOpen('publish');
    if (messages.length === 0) return;
    const run = this.#publishAll(messages);
    this.#publishing.add(run);
    try {
      await run;
    } finally {
      this.#publishing.delete(run);
    }
  }

  async subscribe(spec: SubscriptionSpec): Promise<Subscription> {
    this.#assertOpen('subscribe');
    const address = this.#address(spec.topic);
    try {
      const stream = await this.#stream(address);
      const name = await ensureConsumer(this.jsm, address, spec, this.topology.consumers);
      const consumer = await this.js.consumers.get(stream, name);
      const subscription = new NatsSubscription({
        nc: this.nc,
        consumer,
        address,
        ackWaitMs: spec.ackWaitMs,
        onClose: (s) => this.#subscriptions.delete(s),
      });
      this.#subscriptions.set(subscription, { stream, consumer: name });
      // close() may have started while we were setting up; it could not see this member.
      if (this.#closing) {
        await subscription.close();
        throw transportClosed('subscribe');
      }
      return subscription;
    } catch (cause) {
      throw brokerError('subscribe', cause, { topic: spec.topic, group: spec.group });
    }
  }

  async seek(topic: string, group: string, start: StartPosition): Promise<void> {
    this.#assertOpen('seek');
    const address = this.#address(topic);
    try {
      const stream = await this.#stream(address);
      const consumer = consumerName(group);
      // Members in other processes learn of the move when their open requests fail; ours drop
      // what they pulled from the old consumer right away.
      for (const [subscription, member] of this.#subscriptions) {
        if (member.stream === stream && member.consumer === consumer) subscription.reset();
      }
      await recreateConsumer(this.jsm, address, group, start, this.topology.consumers);
    } catch (cause) {
      throw brokerError('seek', cause, { topic, group });
    }
  }

  async headPosition(topic: string): Promise<number> {
    this.#assertOpen('headPosition');
    const address = this.#address(topic);
    try {
      return await lastSequence(this.jsm, address.stream);
    } catch (cause) {
      throw brokerError('headPosition', cause, { topic });
    }
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    // Subscriptions first: they hand back what they hold (naks) while the connection still works.
    await Promise.allSettled([...this.#subscriptions.keys()].map((s) => s.close()));
    await Promise.allSettled([...this.#publishing]);
    // Draining flushes every queued ack and nak before the socket closes.
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
  }

  #assertOpen(operation: string): void {
    if (this.#closing || this.nc.isClosed()) throw transportClosed(operation);
  }

  #remember(topic: string, ensured: Promise<string>): void {
    this.#ensured.set(topic, ensured);
    ensured.catch(() => {
      if (this.#ensured.get(topic) === ensured) this.#ensured.delete(topic);
    });
  }

  /** Throws CONFIG_INVALID for a malformed topic, before anything reaches the server. */
  #address(topic: string): TopicAddress {
    return topicAddress(topic, this.topology.namespace);
  }

  #stream(address: TopicAddress): Promise<string> {
    const known = this.#ensured.get(address.topic);
    if (known) return known;
    const ensured = ensureStream(this.jsm, address, this.topology.streams, 'ensure');
    this.#remember(address.topic, ensured);
    return ensured;
  }

  async #publishAll(messages: readonly TransportMessage[]): Promise<void> {
    const topics = [...new Set(messages.map((m) => m.topic))];
    const addresses = new Map(topics.map((t) => [t, this.#address(t)] as const));
    try {
      await Promise.all([...addresses.values()].map((a) => this.#stream(a)));
    } catch (cause) {
      throw new AppError(Errors.MSG_PUBLISH_FAILED, {
        message: `could not ensure topic(s) ${topics.join(', ')}`,
        cause,
        details: { topics },
      });
    }
    // Pipelined: every publish is on the wire before the first ack comes back. allSettled (not
    // all) so that no publish is still in flight when the caller retries the batch.
    const results = await Promise.allSettled(messages.map((m) => this.#publishOne(m, addresses.get(m.topic)!)));
    const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [{ reason: r.reason, i }] : []));
    const first = failures[0];
    if (!first) return;
    // The stream may have been deleted under us: let the retry look again.
    for (const { i } of failures) this.#ensured.delete(messages[i]!.topic);
    throw first.reason;
  }

  async #publishOne(message: TransportMessage, address: TopicAddress): Promise<void> {
    const subject = messageSubject(address, message.type);
    try {
      // A duplicate id inside the dedup window is acknowledged with `duplicate: true`: the
      // message is stored (once), which is all the caller needs to know.
      await this.js.publish(subject, message.body, {
        msgID: message.id,
        headers: toNatsHeaders(message),
        expect: { streamName: address.stream },
      });
    } catch (cause) {
      if (isAppError(cause)) throw cause;
      throw new AppError(Errors.MSG_PUBLISH_FAILED, {
        message: `nats did not accept message ${message.id} on ${subject}: ${cause instanceof Error ? cause.message : String(cause)}`,
        cause,
        details: { id: message.id, topic: message.topic, type: message.type },
      });
    }
  }
}

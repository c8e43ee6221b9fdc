// JetStream administration: one stream per topic and one durable pull consumer per group.
import { AppError, Errors } from '@ordo/errors';
import type { StartPosition, SubscriptionSpec, TopicOptions } from '@ordo/messaging';
import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerInfo,
  DeliverPolicy,
  DiscardPolicy,
  type JetStreamManager,
  nanos,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  type StreamInfo,
} from 'nats';
import { isApiError, JsErrCode } from './nats.errors.js';
import { consumerName, type TopicAddress } from './nats.names.js';

export interface StreamSettings {
  readonly replicas: number;
  readonly dedupWindowMs: number;
  readonly defaultMaxAgeMs: number;
}

export interface ConsumerSettings {
  readonly maxAckPending: number;
  /** For a group that `seek` creates before anyone subscribed to it. */
  readonly defaultAckWaitMs: number;
}

/**
 * `declare` applies the given options to an existing stream (an explicit ensureTopic);
 * `ensure` only creates a missing one, so a publisher's implicit ensure never resets the
 * retention that someone else declared for the topic.
 */
export type EnsureMode = 'declare' | 'ensure';

function streamConfig(
  address: TopicAddress,
  settings: StreamSettings,
  options: TopicOptions = {},
): Partial<StreamConfig> {
  const maxAgeMs = options.maxAgeMs ?? settings.defaultMaxAgeMs;
  // JetStream refuses a dedup window longer than the retention (0 means no age limit).
  const dedupWindowMs = maxAgeMs > 0 ? Math.min(settings.dedupWindowMs, maxAgeMs) : settings.dedupWindowMs;
  return {
    subjects: [address.subjects],
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    num_replicas: settings.replicas,
    max_age: nanos(maxAgeMs),
    max_msgs: options.maxMessages ?? -1,
    duplicate_window: nanos(dedupWindowMs),
  };
}

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (isApiError(error, JsErrCode.StreamNotFound)) return undefined;
    throw error;
  }
}

/**
 * Two topics that differ only in `.` vs `-` vs `_` (or in where the namespace ends) map to one
 * stream name; refuse to share, or delete, the other one's stream.
 */
function assertStreamServes(info: StreamInfo, address: TopicAddress): void {
  if (!info.config.subjects?.includes(address.subjects)) {
    throw new AppError(Errors.CONFIG_INVALID, {
      message: `stream ${info.config.name} exists but does not carry topic '${address.topic}' (subjects: ${info.config.subjects?.join(', ')})`,
      details: { topic: address.topic, stream: info.config.name },
    });
  }
}

/** Creates the topic's stream if missing (or, in `declare` mode, updates it); returns its name. */
export async function ensureStream(
  jsm: JetStreamManager,
  address: TopicAddress,
  settings: StreamSettings,
  mode: EnsureMode,
  options?: TopicOptions,
): Promise<string> {
  const name = address.stream;
  const config = streamConfig(address, settings, options);
  const apply = async (info: StreamInfo) => {
    assertStreamServes(info, address);
    if (mode === 'declare') await jsm.streams.update(name, config);
    return name;
  };
  const existing = await streamInfo(jsm, name);
  if (existing) return apply(existing);
  try {
    await jsm.streams.add({ name, storage: StorageType.File, ...config });
    return name;
  } catch (error) {
    // Another process may have created it since our look-up (with other options: JetStream only
    // accepts a second create when the configuration is identical).
    const raced = await streamInfo(jsm, name);
    if (!raced) throw error;
    return apply(raced);
  }
}

/**
 * Deletes the topic's stream, and with it every message, consumer (group position) and the dedup
 * memory. Returns false when there was none: deleting is idempotent.
 */
export async function deleteStream(jsm: JetStreamManager, address: TopicAddress): Promise<boolean> {
  const info = await streamInfo(jsm, address.stream);
  if (!info) return false;
  assertStreamServes(info, address);
  try {
    return await jsm.streams.delete(address.stream);
  } catch (error) {
    // Someone else deleted it since our look-up.
    if (isApiError(error, JsErrCode.StreamNotFound)) return false;
    throw error;
  }
}

/** The stream's last sequence: the position of its newest message; 0 when it is empty or missing. */
export async function lastSequence(jsm: JetStreamManager, name: string): Promise<number> {
  const info = await streamInfo(jsm, name);
  return info?.state.last_seq ?? 0;
}

function deliverFrom(start: StartPosition): Pick<ConsumerConfig, 'deliver_policy' | 'opt_start_seq'> {
  switch (start.kind) {
    case 'beginning':
      return { deliver_policy: DeliverPolicy.All };
    case 'new':
      return { deliver_policy: DeliverPolicy.New };
    case 'position':
      // Sequences start at 1, so anything at or before it is the beginning.
      return start.position <= 1
        ? { deliver_policy: DeliverPolicy.All }
        : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Math.floor(start.position) };
  }
}

async function consumerInfo(jsm: JetStreamManager, stream: string, name: string): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(stream, name);
  } catch (error) {
    if (isApiError(error, JsErrCode.ConsumerNotFound)) return undefined;
    throw error;
  }
}

/**
 * Creates the group's durable consumer, starting at `spec.start`; if it exists, only its ack
 * wait and delivery cap follow the spec, and its position is kept. Returns the consumer name.
 */
export async function ensureConsumer(
  jsm: JetStreamManager,
  address: TopicAddress,
  spec: SubscriptionSpec,
  settings: ConsumerSettings,
): Promise<string> {
  const { stream } = address;
  const name = consumerName(spec.group);
  const tunable = {
    ack_wait: nanos(spec.ackWaitMs),
    max_deliver: spec.maxDeliver ?? -1,
    max_ack_pending: settings.maxAckPending,
  };
  const update = async (info: ConsumerInfo) => {
    const current = info.config;
    const same =
      current.ack_wait === tunable.ack_wait &&
      current.max_deliver === tunable.max_deliver &&
      current.max_ack_pending === tunable.max_ack_pending;
    if (!same) await jsm.consumers.update(stream, name, tunable);
    return name;
  };
  const existing = await consumerInfo(jsm, stream, name);
  if (existing) return update(existing);
  try {
    await jsm.consumers.add(stream, {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      filter_subject: address.subjects,
      ...tunable,
      ...deliverFrom(spec.start ?? { kind: 'beginning' }),
    });
    return name;
  } catch (error) {
    // Another member created it first (with another ack wait, so the create was refused).
    const raced = await consumerInfo(jsm, stream, name);
    if (!raced) throw error;
    return update(raced);
  }
}

/**
 * JetStream cannot move a consumer's position, so the group's consumer is deleted and created
 * again from `start`, with every other setting it had. Its pending deliveries die with it.
 */
export async function recreateConsumer(
  jsm: JetStreamManager,
  address: TopicAddress,
  group: string,
  start: StartPosition,
  settings: ConsumerSettings,
): Promise<void> {
  const { stream } = address;
  const name = consumerName(group);
  const existing = await consumerInfo(jsm, stream, name);
  let base: Partial<ConsumerConfig> = {
    durable_name: name,
    ack_policy: AckPolicy.Explicit,
    filter_subject: address.subjects,
    ack_wait: nanos(settings.defaultAckWaitMs),
    max_deliver: -1,
    max_ack_pending: settings.maxAckPending,
  };
  if (existing) {
    const { opt_start_seq: _seq, opt_start_time: _time, ...kept } = existing.config;
    base = kept;
    try {
      await jsm.consumers.delete(stream, name);
    } catch (error) {
      if (!isApiError(error, JsErrCode.ConsumerNotFound)) throw error;
    }
  }
  await jsm.consumers.add(stream, { ...base, ...deliverFrom(start) });
}

// How Ordo's topics, message types and groups map onto JetStream stream, subject and consumer names.
import { createHash } from 'node:crypto';
import { AppError, Errors } from '@ordo/errors';

/** Lowercase, dot-separated tokens: each token becomes one subject token. */
const TOPIC = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;
/** A namespace is one token of that kind: it becomes the first subject token. */
const NAMESPACE = /^[a-z0-9_-]+$/;
/** Subject tokens: no wildcards, no whitespace, no empty token. */
const SUBJECT_TOKENS = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Topics come from contracts and configuration, so a bad one is a setup error, not a retryable one. */
export function assertTopic(topic: string): void {
  if (!TOPIC.test(topic)) {
    throw new AppError(Errors.CONFIG_INVALID, {
      message: `invalid topic '${topic}': use lowercase dot-separated tokens of [a-z0-9_-]`,
      details: { topic },
    });
  }
}

export function assertNamespace(namespace: string): void {
  if (!NAMESPACE.test(namespace)) {
    throw new AppError(Errors.CONFIG_INVALID, {
      message: `invalid nats namespace '${namespace}': use one lowercase token of [a-z0-9_-]`,
      details: { namespace },
    });
  }
}

/** Where one topic lives on the server. Everything derives from `<namespace>.<topic>`. */
export interface TopicAddress {
  readonly topic: string;
  /** `ORDO_ORDER_EVENTS`; `ORDO_T1_ORDER_EVENTS` in namespace `t1`. */
  readonly stream: string;
  /** The stream's one subject filter: `order.events.>`; `t1.order.events.>` in namespace `t1`. */
  readonly subjects: string;
  /** What every message subject of the topic starts with: `order.events.`; `t1.order.events.`. */
  readonly subjectPrefix: string;
}

/** The topic's stream and subjects, in `namespace` when one is given. Refuses a malformed topic. */
export function topicAddress(topic: string, namespace?: string): TopicAddress {
  assertTopic(topic);
  if (namespace !== undefined) assertNamespace(namespace);
  const root = namespace === undefined ? topic : `${namespace}.${topic}`;
  return {
    topic,
    stream: `ORDO_${root.toUpperCase().replace(/[.-]/g, '_')}`,
    subjects: `${root}.>`,
    subjectPrefix: `${root}.`,
  };
}

/** `order.events` → `ORDO_ORDER_EVENTS`; in namespace `t1`, `ORDO_T1_ORDER_EVENTS`. */
export function streamName(topic: string, namespace?: string): string {
  return topicAddress(topic, namespace).stream;
}

/** Every message type of a topic lands under its prefix, so one stream and one filter catch them all. */
export function messageSubject(address: TopicAddress, type: string): string {
  if (!SUBJECT_TOKENS.test(type)) {
    throw new AppError(Errors.MSG_MALFORMED, {
      message: `invalid message type '${type}': it must be dot-separated tokens of [A-Za-z0-9_-]`,
      details: { topic: address.topic, type },
    });
  }
  return `${address.subjectPrefix}${type}`;
}

/**
 * Durable names may not hold `.`, `*`, `>`, whitespace or path separators, yet groups are named
 * `<service>.<purpose>`. Replacing characters alone would let `a.b` and `a_b` share one consumer
 * (and silently split each other's messages), so a changed name gets a short hash of the original.
 */
export function consumerName(group: string): string {
  const safe = group.replace(/[^A-Za-z0-9_-]/g, '_');
  if (safe === group && safe.length > 0) return safe;
  const hash = createHash('sha256').update(group).digest('hex').slice(0, 8);
  return `${safe}_${hash}`;
}

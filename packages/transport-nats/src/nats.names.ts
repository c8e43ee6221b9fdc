// How Ordo's topics, message types and groups map onto JetStream stream, subject and consumer names.
import { createHash } from 'node:crypto';
import { AppError, Errors } from '@ordo/errors';

/** Lowercase, dot-separated tokens: each token becomes one subject token. */
const TOPIC = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;
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

/** `order.events` → `ORDO_ORDER_EVENTS`. */
export function streamName(topic: string): string {
  return `ORDO_${topic.toUpperCase().replace(/[.-]/g, '_')}`;
}

/** Every message type of a topic lands under `${topic}.>`, so one stream and one filter catch them all. */
export function topicSubjects(topic: string): string {
  return `${topic}.>`;
}

export function messageSubject(topic: string, type: string): string {
  if (!SUBJECT_TOKENS.test(type)) {
    throw new AppError(Errors.MSG_MALFORMED, {
      message: `invalid message type '${type}': it must be dot-separated tokens of [A-Za-z0-9_-]`,
      details: { topic, type },
    });
  }
  return `${topic}.${type}`;
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

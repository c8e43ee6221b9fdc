// The envelope every Ordo message travels in, and how it is (de)serialized for a transport.
import { AppError, Errors } from '@ordo/errors';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { TransportMessage } from './transport.port.js';

export interface Envelope<P = unknown> {
  /** UUIDv7: unique, time-ordered; the broker's dedup id and the inbox key. */
  readonly id: string;
  /** `<context>.<name>.v<major>`, e.g. `order.placed.v1`. */
  readonly type: string;
  /** Aggregate id; orders the messages of one aggregate. */
  readonly key: string;
  /** Per (topic, key) sequence, 1, 2, 3, … without gaps; assigned by the outbox. */
  readonly seq: number;
  readonly occurredAt: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly traceparent: string | null;
  readonly payload: P;
}

export const envelopeSchema = z.object({
  id: z.string().min(1),
  type: z.string().regex(/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*\.v\d+$/),
  key: z.string().min(1),
  seq: z.number().int().nonnegative(),
  occurredAt: z.string(),
  correlationId: z.string().min(1),
  causationId: z.string().nullable(),
  traceparent: z.string().nullable(),
  payload: z.unknown(),
});

export function newMessageId(): string {
  return uuidv7();
}

/** Header names set on every transport message, so tools can route without parsing the body. */
export const Headers = {
  MessageId: 'ordo-message-id',
  Type: 'ordo-type',
  Key: 'ordo-key',
  Seq: 'ordo-seq',
  CorrelationId: 'ordo-correlation-id',
  Traceparent: 'traceparent',
} as const;

export function toTransportMessage(topic: string, envelope: Envelope): TransportMessage {
  const headers: Record<string, string> = {
    [Headers.MessageId]: envelope.id,
    [Headers.Type]: envelope.type,
    [Headers.Key]: envelope.key,
    [Headers.Seq]: String(envelope.seq),
    [Headers.CorrelationId]: envelope.correlationId,
  };
  if (envelope.traceparent) headers[Headers.Traceparent] = envelope.traceparent;
  return { id: envelope.id, topic, type: envelope.type, key: envelope.key, headers, body: JSON.stringify(envelope) };
}

/** Parses a transport body into an envelope; throws a non-retryable AppError if it is not one. */
export function parseEnvelope(body: string): Envelope {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (cause) {
    throw new AppError(Errors.MSG_MALFORMED, { message: 'message body is not JSON', cause });
  }
  const parsed = envelopeSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError(Errors.MSG_MALFORMED, {
      message: `message is not a valid envelope: ${z.prettifyError(parsed.error)}`,
    });
  }
  return parsed.data as Envelope;
}

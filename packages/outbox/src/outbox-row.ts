// An outbox row as the relay reads it, and its conversion to a transport message.
import { type Envelope, type TransportMessage, toTransportMessage } from '@ordo/messaging';

export interface OutboxRow {
  id: number;
  message_id: string;
  topic: string;
  type: string;
  key: string;
  seq: number;
  occurred_at: Date;
  correlation_id: string;
  causation_id: string | null;
  traceparent: string | null;
  payload: unknown;
}

export const OUTBOX_COLUMNS =
  'id, message_id, topic, type, key, seq, occurred_at, correlation_id, causation_id, traceparent, payload';

/** The envelope an outbox row carries. */
export function rowToEnvelope(row: OutboxRow): Envelope {
  return {
    id: row.message_id,
    type: row.type,
    key: row.key,
    seq: row.seq,
    occurredAt: row.occurred_at.toISOString(),
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    traceparent: row.traceparent,
    payload: row.payload,
  };
}

export function rowToTransportMessage(row: OutboxRow): TransportMessage {
  return toTransportMessage(row.topic, rowToEnvelope(row));
}

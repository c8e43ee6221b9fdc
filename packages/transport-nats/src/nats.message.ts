// Maps a TransportMessage onto a NATS message (subject, headers, body) and a JetStream delivery back.
import type { Delivery, TransportMessage } from '@ordo/messaging';
import { type JsMsg, type MsgHdrs, headers as natsHeaders } from 'nats';
import { brokerError } from './nats.errors.js';
import type { TopicAddress } from './nats.names.js';

/**
 * The key and type travel in headers of their own, so tools can route on them without parsing the
 * body; they are named apart from the caller's headers so a round trip returns those untouched.
 */
export const TransportHeaders = {
  Key: 'Ordo-Transport-Key',
  Type: 'Ordo-Transport-Type',
  /** Set by nats.js from `msgID`; JetStream deduplicates on it. */
  MsgId: 'Nats-Msg-Id',
} as const;

const reserved = new Set<string>([TransportHeaders.Key, TransportHeaders.Type]);

/** `Nats-*` headers belong to NATS (Nats-Msg-Id, Nats-Expected-Stream, …), not to the caller. */
function isTransportHeader(name: string): boolean {
  return reserved.has(name) || name.toLowerCase().startsWith('nats-');
}

export function toNatsHeaders(message: TransportMessage): MsgHdrs {
  const h = natsHeaders();
  for (const [name, value] of Object.entries(message.headers)) h.set(name, value);
  h.set(TransportHeaders.Key, message.key);
  h.set(TransportHeaders.Type, message.type);
  return h;
}

export function fromJsMsg(address: TopicAddress, msg: JsMsg): TransportMessage {
  const h = msg.headers;
  const headers: Record<string, string> = {};
  if (h) {
    for (const [name, values] of h) {
      const value = values[0];
      if (!isTransportHeader(name) && value !== undefined) headers[name] = value;
    }
  }
  return {
    // A message published around Ordo (no msg id) still needs an id that is stable across redeliveries.
    id: h?.get(TransportHeaders.MsgId) || `${msg.info.stream}:${msg.seq}`,
    topic: address.topic,
    type: h?.get(TransportHeaders.Type) || msg.subject.slice(address.subjectPrefix.length),
    key: h?.get(TransportHeaders.Key) ?? '',
    headers,
    body: msg.string(),
  };
}

export function toDelivery(address: TopicAddress, msg: JsMsg): Delivery {
  // nats.js acks are fire-and-forget publishes (no round trip per message); the transport's
  // close() drains the connection, which flushes whatever is still queued.
  const settle = (operation: string, send: () => void): Promise<void> => {
    try {
      send();
      return Promise.resolve();
    } catch (cause) {
      return Promise.reject(brokerError(operation, cause, { topic: address.topic, position: msg.seq }));
    }
  };
  return {
    message: fromJsMsg(address, msg),
    position: msg.seq,
    deliveryCount: msg.info.deliveryCount,
    ack: () => settle('ack', () => msg.ack()),
    // JetStream takes the delay in whole nanoseconds; no delay means "redeliver now".
    nak: (delayMs) => settle('nak', () => msg.nak(delayMs > 0 ? Math.ceil(delayMs) : undefined)),
    touch: () => settle('touch', () => msg.working()),
  };
}

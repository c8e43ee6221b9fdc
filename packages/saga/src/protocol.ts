// The wire protocol between the orchestrator and its participants: every command carries the
// saga id and a command id that stays the same on every retry (participants deduplicate on it);
// every reply echoes both, and the engine routes it by its type.
import type { Envelope } from '@ordo/messaging';
import type { OutgoingMessage } from '@ordo/outbox';
import { z } from 'zod';
import type { SagaCommand } from './definition.js';

const id = z.string().min(1).max(200);

/** Fields the engine adds to every command payload; contracts extend this. */
export const sagaCommandBase = z.object({ sagaId: id, commandId: id });
export type SagaCommandBase = z.infer<typeof sagaCommandBase>;

/** Fields every reply must echo; contracts extend this. */
export const sagaReplyBase = z.object({ sagaId: id, commandId: id });
export type SagaReplyBase = z.infer<typeof sagaReplyBase>;

export const CommandKind = {
  Invoke: 'invoke',
  Compensate: 'compensate',
} as const;
export type CommandKind = (typeof CommandKind)[keyof typeof CommandKind];

/** `${sagaId}:${step}:invoke|compensate`: unique per saga, step and direction, stable across retries. */
export function commandIdFor(sagaId: string, step: string, kind: CommandKind): string {
  return `${sagaId}:${step}:${kind}`;
}

/** The message that caused a transition (a reply), for correlation and causation ids. */
export type MessageCause = Pick<Envelope, 'id' | 'correlationId' | 'traceparent'>;

export interface CommandAddress {
  readonly sagaId: string;
  readonly commandId: string;
  /** The saga's correlation id: every command of one saga shares it. */
  readonly correlationId: string;
  readonly cause: MessageCause | undefined;
}

export function commandMessage(command: SagaCommand, address: CommandAddress): OutgoingMessage {
  return {
    topic: command.topic,
    type: command.type,
    key: address.sagaId,
    payload: { ...command.payload, sagaId: address.sagaId, commandId: address.commandId },
    correlationId: address.cause?.correlationId ?? address.correlationId,
    causationId: address.cause?.id ?? null,
    traceparent: address.cause?.traceparent ?? null,
  };
}

// A reply to a saga command, its payload checked against the contract at compile time
// (`sagaId` and `commandId` are added by the CommandReplier).
import type { MessageContract } from '@ordo/contracts-common';
import type { Reply } from '@ordo/participant';
import type { z } from 'zod';

export function sagaReply<const T extends string, S extends z.ZodType>(
  contract: MessageContract<S> & { type: T },
  payload: Omit<z.infer<S>, 'sagaId' | 'commandId'>,
): Reply {
  return { type: contract.type, payload: payload as Record<string, unknown> };
}

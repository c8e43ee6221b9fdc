// The replies the payment service sends to saga commands, built from the contract so that the
// types and type names cannot drift apart. `sagaId` and `commandId` are added by the replier.
import { PaymentReplies } from '@ordo/contracts-payment';
import type { z } from 'zod';
import type { OperationKind } from './payment.js';
import { describe, type PaymentError } from './payment-error.js';

export interface PaymentReply {
  readonly type: string;
  readonly payload: Record<string, unknown>;
}

type Fields<C extends { schema: z.ZodType }> = Omit<z.infer<C['schema']>, 'sagaId' | 'commandId'>;

function reply<C extends { type: string; schema: z.ZodType }>(contract: C, payload: Fields<C>): PaymentReply {
  return { type: contract.type, payload: payload as Record<string, unknown> };
}

export const Replies = {
  authorized: (paymentId: string, amountCents: number) => reply(PaymentReplies.authorized, { paymentId, amountCents }),
  declined: (detail: string) => reply(PaymentReplies.authorizationFailed, { reason: 'declined', detail }),
  pspUnavailable: (failure: PaymentError) =>
    reply(PaymentReplies.authorizationFailed, { reason: 'psp_unavailable', detail: describe(failure) }),
  captured: (paymentId: string, amountCents: number) => reply(PaymentReplies.captured, { paymentId, amountCents }),
  voided: (paymentId: string | null) => reply(PaymentReplies.voided, { paymentId }),
  refunded: (paymentId: string, amountCents: number) => reply(PaymentReplies.refunded, { paymentId, amountCents }),
  operationFailed: (operation: Exclude<OperationKind, 'authorize'>, failure: PaymentError) =>
    reply(PaymentReplies.operationFailed, { operation, detail: describe(failure) }),
};

// The payment context: authorize (hold), capture on pickup, void, refund — commands from the
// order service's sagas and its replies; plus the events it publishes.
import { amountCents, commandMeta, currency, id, message, replyMeta, schemasOf } from '@ordo/contracts-common';
import { z } from 'zod';

export const PaymentTopics = {
  commands: 'payment.commands',
  replies: 'payment.replies',
  events: 'payment.events',
} as const;

export const PaymentCommands = {
  authorize: message(
    'payment.authorize.v1',
    commandMeta.extend({
      orderId: id,
      customerId: id,
      amountCents,
      currency,
      paymentToken: z.string().min(1).max(200),
    }),
  ),
  capture: message('payment.capture.v1', commandMeta.extend({ orderId: id, amountCents })),
  void: message('payment.void.v1', commandMeta.extend({ orderId: id })),
  refund: message('payment.refund.v1', commandMeta.extend({ orderId: id, amountCents })),
};

export const authorizationFailure = z.enum(['declined', 'psp_unavailable']);

export const PaymentReplies = {
  authorized: message('payment.authorized.v1', replyMeta.extend({ paymentId: id, amountCents })),
  authorizationFailed: message(
    'payment.authorization_failed.v1',
    replyMeta.extend({ reason: authorizationFailure, detail: z.string().optional() }),
  ),
  captured: message('payment.captured.v1', replyMeta.extend({ paymentId: id, amountCents })),
  voided: message('payment.voided.v1', replyMeta.extend({ paymentId: id.nullable() })),
  refunded: message('payment.refunded.v1', replyMeta.extend({ paymentId: id, amountCents })),
  operationFailed: message(
    'payment.operation_failed.v1',
    replyMeta.extend({ operation: z.enum(['capture', 'void', 'refund']), detail: z.string() }),
  ),
};

export const PaymentEvents = {
  paymentQueued: message('payment.queued.v1', z.object({ paymentId: id, orderId: id, reason: z.string() })),
  paymentCaptured: message('payment.payment_captured.v1', z.object({ paymentId: id, orderId: id, amountCents })),
};

export const paymentSchemas = {
  ...schemasOf(PaymentCommands),
  ...schemasOf(PaymentReplies),
  ...schemasOf(PaymentEvents),
};

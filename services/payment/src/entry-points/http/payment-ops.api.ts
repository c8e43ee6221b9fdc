// The operators' payment API: the request (validated by the route with this schema) and the
// operations as the docs at /docs list them.
import { Errors } from '@ordo/errors';
import type { ApiOperation } from '@ordo/http';
import { z } from 'zod';
import { paymentPageSchema, paymentStatus, reconciliationReportSchema } from './payment.presenter.js';

export const paymentQuery = z
  .object({
    orderId: z.string().min(1).max(100).optional(),
    status: paymentStatus.optional(),
    after: z.string().min(1).max(100).optional().meta({ description: 'The `nextAfter` of the previous page.' }),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

/** A reconciliation run takes no fields: an absent body and `{}` are the same request, anything else is a 400. */
export const noBody = z.strictObject({}).optional();

const tags = ['Operations: payments'];
const roles = ['operator'];

export const paymentOpsApi: readonly ApiOperation[] = [
  {
    method: 'GET',
    path: '/v1/ops/payments',
    summary: 'List payments',
    description:
      'Payments with their operations, PSP attempts and ledger lines; filter by order or status. The card ' +
      'token is never shown; emails and card tokens in PSP error text and reply payloads are masked.',
    tags,
    roles,
    query: paymentQuery,
    responses: { 200: { description: 'One page of payments.', schema: paymentPageSchema } },
  },
  {
    method: 'POST',
    path: '/v1/ops/payments/reconcile',
    summary: 'Reconcile with the PSP now',
    description:
      'Compares every payment with the PSP’s charges and reports each disagreement. A run already ' +
      'going is joined, not repeated.',
    tags,
    roles,
    responses: {
      200: { description: 'The report of the run.', schema: reconciliationReportSchema },
      502: { description: 'The PSP answered with something unreadable.', errors: [Errors.PAYMENT_PSP_BAD_RESPONSE] },
      503: { description: 'The PSP cannot be reached.', errors: [Errors.PAYMENT_PSP_UNAVAILABLE] },
    },
  },
];

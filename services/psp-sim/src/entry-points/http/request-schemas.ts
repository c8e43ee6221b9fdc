// The shapes the provider API and the admin API accept. Unknown fields are refused, so a
// typo in a client never passes silently; every failure is a 400 ORDO_ERR_HTTP_VALIDATION.
import { AppError, Errors } from '@ordo/errors';
import { z } from 'zod';
import { FailKind } from '../../domain/fault-settings.js';

/** Larger than any food order; keeps sums far from 2^53. */
export const MAX_AMOUNT_CENTS = 1_000_000_000_000;
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

const amountCents = z.number().int().positive().max(MAX_AMOUNT_CENTS);
const shortText = z.string().min(1).max(200);

export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string({ error: 'the Idempotency-Key header is required' })
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
});

export const authorizationBody = z.strictObject({
  orderId: shortText,
  amountCents,
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
  cardToken: shortText,
});

export const amountBody = z.strictObject({ amountCents });

/** Void takes no fields; an absent body and `{}` are the same request. */
export const emptyBody = z
  .strictObject({})
  .optional()
  .transform(() => ({}));

export const chargeParams = z.strictObject({ id: z.string().min(1).max(100) });

const pageSize = z
  .string()
  .regex(/^\d+$/, 'must be a whole number')
  .transform(Number)
  .pipe(z.number().int().min(1).max(MAX_PAGE_SIZE));

export const listQuery = z.strictObject({
  orderId: shortText.optional(),
  limit: pageSize.optional(),
  after: z.string().min(1).max(100).optional(),
});

const outage = z.union([
  z.strictObject({ active: z.literal(true) }),
  z.strictObject({ until: z.iso.datetime({ offset: true }) }),
]);

const rate = z.number().min(0).max(1);

/** Fault settings; a setting left out keeps (or returns to) the simulator's baseline. */
export const faultSettingsInput = z.strictObject({
  declineTokens: z.array(shortText).max(1000).optional(),
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  errorRate: rate.optional(),
  lostResponseRate: rate.optional(),
  outage: outage.nullable().optional(),
  failNext: z
    .strictObject({
      count: z.number().int().min(1).max(1_000_000),
      kind: z.enum([FailKind.ServerError, FailKind.Lost, FailKind.Timeout]),
    })
    .nullable()
    .optional(),
});
export type FaultSettingsInput = z.output<typeof faultSettingsInput>;

export type RequestPart = 'body' | 'querystring' | 'params' | 'headers';

/** Parses one part of a request, or throws the 400 that says which fields are wrong and why. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, part: RequestPart): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map((segment) => `/${String(segment)}`).join(''),
    message: issue.message,
  }));
  throw new AppError(Errors.VALIDATION, {
    message: issues.map((i) => `${part}${i.path}: ${i.message}`).join('; '),
    details: { in: part, issues },
  });
}

// What the composition root passes to the payment service, validated once with defaults.
import { AppError, Errors } from '@ordo/errors';
import type { FastifyRequest, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';

/** Roles the payment service's routes name (the gateway's roles; no hierarchy). */
export type PaymentRole = 'operator' | 'customer' | 'courier' | 'restaurant';

/** The caller, as the auth layer has verified it. */
export interface PaymentCaller {
  readonly id: string;
  readonly role: string;
}

/**
 * How routes are protected. Filled by `@ordo/auth` in the composition root (its role hook and
 * `request.user`); tests pass a stand-in that reads a header.
 */
export interface PaymentHttpAccess {
  /** A hook that lets only callers with one of `roles` through (401/403 with stable codes otherwise). */
  authorize(roles: readonly PaymentRole[]): preHandlerHookHandler;
  /** The authenticated caller of a request that passed `authorize`. */
  currentUser(request: FastifyRequest): PaymentCaller | null;
}

const ms = (fallback: number) => z.number().int().nonnegative().default(fallback);
const positiveMs = (fallback: number) => z.number().int().positive().default(fallback);

const settingsSchema = z
  .object({
    pspBaseUrl: z.url(),
    /** One HTTP call to the PSP. */
    pspCallTimeoutMs: positiveMs(3_000),
    /** Tries per PSP call before the operation is queued (first included). */
    pspMaxTries: z.number().int().min(1).max(10).default(3),
    pspRetryInitialDelayMs: ms(100),
    pspRetryMaxDelayMs: ms(1_000),
    /** Consecutive transient PSP failures that open the circuit. */
    breakerThreshold: z.number().int().min(1).default(5),
    breakerHalfOpenAfterMs: positiveMs(5_000),
    /** An authorization not done by then is answered `psp_unavailable` (the saga step's deadline). */
    authorizeDeadlineMs: positiveMs(60_000),
    /** Capture, void and refund not done by then are answered `operationFailed`. */
    captureDeadlineMs: positiveMs(10 * 60_000),
    voidDeadlineMs: positiveMs(10 * 60_000),
    refundDeadlineMs: positiveMs(10 * 60_000),
    /** How often the PSP worker looks for due operations when nothing wakes it. */
    workerPollIntervalMs: positiveMs(1_000),
    /** A claimed operation's lease; must outlast the worker's PSP calls for it. */
    workerLeaseMs: positiveMs(30_000),
    /** Operations one worker has in flight at once. */
    workerConcurrency: z.number().int().min(1).max(64).default(4),
    /** Backoff between tries of a queued operation (exponential, jittered, capped). */
    queuedRetryBaseMs: positiveMs(1_000),
    queuedRetryMaxMs: positiveMs(15_000),
    /** Scheduled reconciliation; 0 turns the schedule off (on demand still works). */
    reconciliationIntervalMs: ms(15 * 60_000),
    /** Charges per page when reconciliation lists the PSP's charges. */
    reconciliationPageSize: z.number().int().min(1).max(1_000).default(100),
  })
  .superRefine((s, ctx) => {
    // A lease must outlast what the worker does under it (a lookup and a void, each with retries),
    // or a second worker would take the operation over while the first is still calling.
    const oneCall = s.pspCallTimeoutMs * s.pspMaxTries + s.pspRetryMaxDelayMs * (s.pspMaxTries - 1);
    if (s.workerLeaseMs < 2 * oneCall + 1_000) {
      ctx.addIssue({
        code: 'custom',
        path: ['workerLeaseMs'],
        message: `must be at least ${2 * oneCall + 1_000} ms (two PSP calls with their retries, plus 1 s)`,
      });
    }
  });

export type PaymentSettings = z.output<typeof settingsSchema>;

export type PaymentServiceOptions = z.input<typeof settingsSchema> & {
  readonly access: PaymentHttpAccess;
};

export function parseSettings(options: PaymentServiceOptions): PaymentSettings {
  const { access: _access, ...rest } = options;
  const parsed = settingsSchema.safeParse(rest);
  if (!parsed.success) {
    throw new AppError(Errors.CONFIG_INVALID, {
      message: `payment service options are invalid: ${z.prettifyError(parsed.error)}`,
    });
  }
  return parsed.data;
}

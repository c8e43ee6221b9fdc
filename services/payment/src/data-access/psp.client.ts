// The PSP's HTTP API as the payment service uses it: every call has its own timeout, transient
// failures (5xx, timeouts, dropped connections) are retried with exponential backoff and jitter
// under the same idempotency key, and a circuit breaker stops calling a PSP that keeps failing.
// A refusal (402 decline, 409, 422) is an answer, never retried and never counted as a failure.
import { AppError, Errors } from '@ordo/errors';
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  retry,
  wrap,
} from 'cockatiel';
import { z } from 'zod';

export interface PspClientOptions {
  readonly baseUrl: string;
  /** One HTTP call, connection to last byte. */
  readonly callTimeoutMs: number;
  /** Tries per operation call, the first included, before the operation is queued. */
  readonly maxTries: number;
  readonly retryInitialDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** Consecutive transient failures that open the circuit. */
  readonly breakerThreshold: number;
  /** How long the circuit stays open before one trial call is let through. */
  readonly breakerHalfOpenAfterMs: number;
}

/** Why a call got no usable answer. */
export const PspFailure = {
  CircuitOpen: 'circuit_open',
  Timeout: 'timeout',
  /** Connection refused: the request never reached the PSP. */
  Unreachable: 'unreachable',
  /** The connection dropped after the request was sent (a lost response). */
  ConnectionLost: 'connection_lost',
  ServerError: 'server_error',
  BadResponse: 'bad_response',
} as const;
export type PspFailure = (typeof PspFailure)[keyof typeof PspFailure];

/** The PSP could not be used now. `uncertain`: it may have carried out the request anyway. */
export class PspUnavailableError extends AppError {
  constructor(
    readonly failure: PspFailure,
    readonly uncertain: boolean,
    message: string,
    readonly pspStatus?: number,
    cause?: unknown,
  ) {
    super(failure === PspFailure.BadResponse ? Errors.PAYMENT_PSP_BAD_RESPONSE : Errors.PAYMENT_PSP_UNAVAILABLE, {
      message,
      cause,
      details: { failure },
    });
  }
}

/** One HTTP exchange, for the attempts log. */
export interface PspTry {
  readonly try: number;
  readonly outcome: 'answered' | PspFailure;
  readonly httpStatus: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  readonly startedAt: Date;
}

export type TryObserver = (attempt: PspTry) => Promise<void> | void;

/** The PSP answered: success, or a refusal with its stable code. */
export type PspAnswer<T> =
  | { readonly ok: true; readonly status: number; readonly body: T }
  | {
      readonly ok: false;
      readonly status: number;
      readonly code: string;
      readonly message: string;
      readonly details: Record<string, unknown>;
    };

const authorizedBody = z.object({ chargeId: z.string(), status: z.string(), amountCents: z.number().int() });
const capturedBody = z.object({ chargeId: z.string(), status: z.string(), capturedCents: z.number().int() });
const voidedBody = z.object({ chargeId: z.string(), status: z.string() });
const refundedBody = z.object({ chargeId: z.string(), status: z.string(), refundedCents: z.number().int() });
const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});
const operationBody = z.object({
  kind: z.string(),
  amountCents: z.number().int(),
  idempotencyKey: z.string().nullable().optional(),
});
// psp-sim names a charge's id `chargeId` on the wire; Ordo calls it `id`.
const chargeBody = z
  .object({
    chargeId: z.string(),
    orderId: z.string(),
    status: z.string(),
    amountCents: z.number().int(),
    capturedCents: z.number().int(),
    refundedCents: z.number().int(),
    operations: z.array(operationBody).default([]),
  })
  .transform(({ chargeId, ...rest }) => ({ id: chargeId, ...rest }));
const chargePageBody = z.object({ charges: z.array(chargeBody), nextAfter: z.string().nullable() });

export type PspAuthorized = z.infer<typeof authorizedBody>;
export type PspCaptured = z.infer<typeof capturedBody>;
export type PspVoided = z.infer<typeof voidedBody>;
export type PspRefunded = z.infer<typeof refundedBody>;
export type PspCharge = z.output<typeof chargeBody>;
export type PspChargePage = z.output<typeof chargePageBody>;

export interface AuthorizationRequest {
  readonly orderId: string;
  readonly amountCents: number;
  readonly currency: string;
  readonly cardToken: string;
}

interface Exchange<T> {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly idempotencyKey?: string;
  readonly body?: unknown;
  readonly schema: z.ZodType<T, unknown>;
}

export class PspClient {
  readonly breaker: CircuitBreakerPolicy;
  private readonly policy: IPolicy;
  private readonly baseUrl: string;

  constructor(private readonly options: PspClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const transient = handleWhen(
      (error) => error instanceof PspUnavailableError && error.failure !== PspFailure.CircuitOpen,
    );
    this.breaker = circuitBreaker(transient, {
      halfOpenAfter: options.breakerHalfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakerThreshold),
    });
    const retries = retry(transient, {
      maxAttempts: Math.max(0, options.maxTries - 1),
      backoff: new ExponentialBackoff({
        initialDelay: options.retryInitialDelayMs,
        maxDelay: options.retryMaxDelayMs,
      }),
    });
    // Each try passes the breaker: once it opens, the remaining tries fail fast.
    this.policy = wrap(retries, this.breaker);
  }

  /** True while the breaker refuses calls. */
  get circuitOpen(): boolean {
    return this.breaker.state === CircuitState.Open || this.breaker.state === CircuitState.Isolated;
  }

  authorize(key: string, request: AuthorizationRequest, observe?: TryObserver): Promise<PspAnswer<PspAuthorized>> {
    return this.call(
      { method: 'POST', path: '/psp/v1/authorizations', idempotencyKey: key, body: request, schema: authorizedBody },
      observe,
    );
  }

  capture(key: string, chargeId: string, amountCents: number, observe?: TryObserver) {
    return this.call(
      {
        method: 'POST',
        path: chargePath(chargeId, 'capture'),
        idempotencyKey: key,
        body: { amountCents },
        schema: capturedBody,
      },
      observe,
    );
  }

  void(key: string, chargeId: string, observe?: TryObserver) {
    return this.call(
      { method: 'POST', path: chargePath(chargeId, 'void'), idempotencyKey: key, body: {}, schema: voidedBody },
      observe,
    );
  }

  refund(key: string, chargeId: string, amountCents: number, observe?: TryObserver) {
    return this.call(
      {
        method: 'POST',
        path: chargePath(chargeId, 'refund'),
        idempotencyKey: key,
        body: { amountCents },
        schema: refundedBody,
      },
      observe,
    );
  }

  /** One page of the PSP's charges (oldest first), each with its operations. */
  async listCharges(
    query: { orderId?: string; limit: number; after?: string | null },
    observe?: TryObserver,
  ): Promise<PspChargePage> {
    const params = new URLSearchParams({ limit: String(query.limit) });
    if (query.orderId !== undefined) params.set('orderId', query.orderId);
    if (query.after) params.set('after', query.after);
    const answer = await this.call(
      { method: 'GET', path: `/psp/v1/charges?${params.toString()}`, schema: chargePageBody },
      observe,
    );
    if (!answer.ok) {
      throw new PspUnavailableError(
        PspFailure.BadResponse,
        false,
        `listing charges was refused: ${answer.status} ${answer.code}`,
        answer.status,
      );
    }
    return answer.body;
  }

  private async call<T>(exchange: Exchange<T>, observe?: TryObserver): Promise<PspAnswer<T>> {
    let tries = 0;
    let uncertain = false;
    try {
      return await this.policy.execute(async () => {
        tries++;
        const startedAt = new Date();
        const started = performance.now();
        const record = async (outcome: PspTry['outcome'], httpStatus: number | null, error: string | null) => {
          await observe?.({
            try: tries,
            outcome,
            httpStatus,
            error,
            durationMs: Math.round(performance.now() - started),
            startedAt,
          });
        };
        try {
          const answer = await this.exchange(exchange);
          await record('answered', answer.status, answer.ok ? null : `${answer.code}: ${answer.message}`);
          return answer;
        } catch (error) {
          if (error instanceof PspUnavailableError) {
            uncertain ||= error.uncertain;
            await record(error.failure, error.pspStatus ?? null, error.message);
          }
          throw error;
        }
      });
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        await observe?.({
          try: tries + 1,
          outcome: PspFailure.CircuitOpen,
          httpStatus: null,
          error: 'the circuit breaker is open; the PSP was not called',
          durationMs: 0,
          startedAt: new Date(),
        });
        throw new PspUnavailableError(
          PspFailure.CircuitOpen,
          uncertain,
          'the PSP circuit breaker is open',
          undefined,
          error,
        );
      }
      if (error instanceof PspUnavailableError && uncertain && !error.uncertain) {
        // An earlier try may have done the work: say so to the caller.
        throw new PspUnavailableError(error.failure, true, error.message, error.pspStatus, error);
      }
      throw error;
    }
  }

  private async exchange<T>(exchange: Exchange<T>): Promise<PspAnswer<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (exchange.idempotencyKey) headers['idempotency-key'] = exchange.idempotencyKey;
    if (exchange.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.baseUrl}${exchange.path}`, {
        method: exchange.method,
        headers,
        body: exchange.body === undefined ? undefined : JSON.stringify(exchange.body),
        signal: AbortSignal.timeout(this.options.callTimeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw networkFailure(error, exchange.method === 'GET');
    }
    const status = response.status;
    if (status >= 500 || status === 429 || status === 408) {
      // Only a GET is known to change nothing; a 5xx to a POST may come after the work was done.
      throw new PspUnavailableError(
        PspFailure.ServerError,
        exchange.method !== 'GET',
        `the PSP answered ${status}`,
        status,
      );
    }
    let json: unknown;
    try {
      json = text.length > 0 ? JSON.parse(text) : undefined;
    } catch (cause) {
      throw new PspUnavailableError(
        PspFailure.BadResponse,
        true,
        `the PSP answered ${status} with non-JSON`,
        status,
        cause,
      );
    }
    if (status >= 200 && status < 300) {
      const parsed = exchange.schema.safeParse(json);
      if (!parsed.success) {
        throw new PspUnavailableError(
          PspFailure.BadResponse,
          true,
          `the PSP's ${status} answer does not match its API: ${z.prettifyError(parsed.error)}`,
          status,
        );
      }
      return { ok: true, status, body: parsed.data };
    }
    const refusal = errorBody.safeParse(json);
    if (!refusal.success) {
      throw new PspUnavailableError(
        PspFailure.BadResponse,
        true,
        `the PSP answered ${status} without an error code`,
        status,
      );
    }
    return {
      ok: false,
      status,
      code: refusal.data.error.code,
      message: refusal.data.error.message,
      details: refusal.data.error.details ?? {},
    };
  }
}

function chargePath(chargeId: string, action: string): string {
  return `/psp/v1/charges/${encodeURIComponent(chargeId)}/${action}`;
}

function networkFailure(error: unknown, safe: boolean): PspUnavailableError {
  const name = (error as { name?: string })?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new PspUnavailableError(PspFailure.Timeout, !safe, 'the PSP did not answer in time', undefined, error);
  }
  const code = causeCode(error);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new PspUnavailableError(PspFailure.Unreachable, false, `the PSP is unreachable (${code})`, undefined, error);
  }
  return new PspUnavailableError(
    PspFailure.ConnectionLost,
    !safe,
    `the connection to the PSP was lost${code ? ` (${code})` : ''}`,
    undefined,
    error,
  );
}

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

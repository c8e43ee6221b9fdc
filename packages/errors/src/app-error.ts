// One error type for all of Ordo: a stable code, whether a retry can help, and the HTTP status it maps to.

export interface ErrorDefinition {
  /** Stable code, `ORDO_ERR_<AREA>_<PROBLEM>`; documented in docs/errors.md. */
  readonly code: string;
  readonly httpStatus: number;
  readonly retryable: boolean;
  readonly message: string;
}

export class AppError extends Error {
  readonly code: string;
  readonly httpStatus: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;
  /** When a retry may succeed, in seconds: HTTP answers carry it as `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    definition: ErrorDefinition,
    options: { message?: string; cause?: unknown; details?: Record<string, unknown>; retryAfterSeconds?: number } = {},
  ) {
    super(options.message ?? definition.message, { cause: options.cause });
    this.name = 'AppError';
    this.code = definition.code;
    this.httpStatus = definition.httpStatus;
    this.retryable = definition.retryable;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/**
 * Whether a failure may succeed if tried again. Unknown errors (a dropped connection, a
 * serialization failure) count as retryable: the attempt budget bounds them.
 */
export function isRetryable(error: unknown): boolean {
  return isAppError(error) ? error.retryable : true;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

// Turns nats.js failures into Ordo's AppErrors, so callers see stable codes and never a NatsError.
import { AppError, Errors, isAppError } from '@ordo/errors';
import { ErrorCode, NatsError } from 'nats';

/** JetStream API error codes (`err_code`) this adapter reacts to. */
export const JsErrCode = {
  StreamNotFound: 10059,
  ConsumerNotFound: 10014,
} as const;

export function isApiError(error: unknown, errCode: number): boolean {
  return error instanceof NatsError && error.api_error?.err_code === errCode;
}

export function isConnectionClosed(error: unknown): boolean {
  return (
    error instanceof NatsError &&
    (error.code === ErrorCode.ConnectionClosed || error.code === ErrorCode.ConnectionDraining)
  );
}

export function transportClosed(operation: string): AppError {
  return new AppError(Errors.MSG_TRANSPORT_CLOSED, {
    message: `nats transport is closed (${operation})`,
    details: { operation },
  });
}

/**
 * For the administrative calls (topics, groups, positions). The registry has no transport-level
 * failure code yet, so a live-broker failure maps to the generic retryable INTERNAL; a closed
 * connection keeps its own code. Our own AppErrors (bad topic names) pass through unchanged.
 */
export function brokerError(operation: string, cause: unknown, details: Record<string, unknown> = {}): AppError {
  if (isAppError(cause)) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  if (isConnectionClosed(cause)) {
    return new AppError(Errors.MSG_TRANSPORT_CLOSED, { message: `nats ${operation}: ${reason}`, cause, details });
  }
  return new AppError(Errors.INTERNAL, {
    message: `nats ${operation} failed: ${reason}`,
    cause,
    details: { operation, ...details },
  });
}

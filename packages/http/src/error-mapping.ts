// Turns anything a request can throw into a status and a body with a stable code.
// Only AppErrors and Fastify's own client errors speak to the client; the rest is a 500
// whose details stay in the log. A client error's message and details may quote what was sent
// (an email, a card token): those are masked, as the body also reaches proxies and browser logs.
import { allErrorDefinitions, type ErrorDefinition, Errors, isAppError } from '@ordo/errors';
import { maskPersonalData, scrubText } from '@ordo/logger';

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: Record<string, unknown>;
  };
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
}

// Fastify's client-side failures, by their `code`.
const fastifyCodes: Readonly<Record<string, ErrorDefinition>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: Errors.MALFORMED_JSON,
  FST_ERR_CTP_EMPTY_JSON_BODY: Errors.MALFORMED_JSON,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: Errors.UNSUPPORTED_MEDIA_TYPE,
  FST_ERR_CTP_BODY_TOO_LARGE: Errors.BODY_TOO_LARGE,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: Errors.VALIDATION,
  FST_ERR_VALIDATION: Errors.VALIDATION,
  FST_ERR_BAD_URL: Errors.VALIDATION,
  FST_ERR_MAX_PARAM_LENGTH: Errors.VALIDATION,
  FST_ERR_NOT_FOUND: Errors.NOT_FOUND,
};

const registryMessages = new Map(allErrorDefinitions().map((d) => [d.code, d.message]));

export function errorBody(definition: ErrorDefinition, message = definition.message): ErrorBody {
  return { error: { code: definition.code, message } };
}

interface FastifyLikeError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
  validation?: Array<{ instancePath?: string; message?: string }>;
  validationContext?: string;
}

function asFastifyError(error: unknown): FastifyLikeError | undefined {
  return typeof error === 'object' && error !== null ? (error as FastifyLikeError) : undefined;
}

export function toErrorResponse(error: unknown): ErrorResponse {
  if (isAppError(error)) {
    // A server-side AppError's message may carry internals (a SQL error, a path): the
    // client gets the registry's wording, the log gets the rest.
    if (error.httpStatus >= 500) {
      const message = registryMessages.get(error.code) ?? Errors.INTERNAL.message;
      return { status: error.httpStatus, body: { error: { code: error.code, message } } };
    }
    const body: ErrorBody = { error: { code: error.code, message: scrubText(error.message) } };
    if (error.details !== undefined) body.error.details = maskPersonalData(error.details);
    return { status: error.httpStatus, body };
  }

  const fastifyError = asFastifyError(error);
  if (fastifyError && Array.isArray(fastifyError.validation)) {
    const issues = fastifyError.validation.map((v) => ({
      path: v.instancePath ?? '',
      message: scrubText(v.message ?? ''),
    }));
    return {
      status: Errors.VALIDATION.httpStatus,
      body: {
        error: {
          code: Errors.VALIDATION.code,
          message:
            typeof fastifyError.message === 'string' ? scrubText(fastifyError.message) : Errors.VALIDATION.message,
          details: { in: fastifyError.validationContext ?? 'request', issues },
        },
      },
    };
  }

  const known = typeof fastifyError?.code === 'string' ? fastifyCodes[fastifyError.code] : undefined;
  if (known) return { status: known.httpStatus, body: errorBody(known) };

  // Some other client error (a request stream aborted, a plugin's 4xx): still the
  // client's fault, so never a 500; the wording is ours, not the error's.
  const status = typeof fastifyError?.statusCode === 'number' ? fastifyError.statusCode : 500;
  if (status >= 400 && status < 500)
    return { status: Errors.VALIDATION.httpStatus, body: errorBody(Errors.VALIDATION) };

  return { status: Errors.INTERNAL.httpStatus, body: errorBody(Errors.INTERNAL) };
}

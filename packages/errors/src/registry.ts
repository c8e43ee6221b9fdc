// Every error code Ordo can return, in one place. A test checks this list against docs/errors.md.
import type { ErrorDefinition } from './app-error.js';

function define<const C extends string>(
  code: C,
  httpStatus: number,
  retryable: boolean,
  message: string,
): ErrorDefinition & { code: C } {
  return { code, httpStatus, retryable, message };
}

export const Errors = {
  // Generic HTTP
  VALIDATION: define('ORDO_ERR_HTTP_VALIDATION', 400, false, 'The request is not valid'),
  MALFORMED_JSON: define('ORDO_ERR_HTTP_MALFORMED_JSON', 400, false, 'The request body is not valid JSON'),
  UNSUPPORTED_MEDIA_TYPE: define(
    'ORDO_ERR_HTTP_UNSUPPORTED_MEDIA_TYPE',
    415,
    false,
    'Content type must be application/json',
  ),
  BODY_TOO_LARGE: define('ORDO_ERR_HTTP_BODY_TOO_LARGE', 413, false, 'The request body is too large'),
  HTTP_INVALID_TEXT: define(
    'ORDO_ERR_HTTP_INVALID_TEXT',
    400,
    false,
    'The request contains a character that is not accepted (NUL, a control or a bidi override character)',
  ),
  NOT_FOUND: define('ORDO_ERR_HTTP_NOT_FOUND', 404, false, 'No such resource'),
  URL_TOO_LONG: define('ORDO_ERR_HTTP_URL_TOO_LONG', 414, false, 'The URL is too long'),
  HEADERS_TOO_LARGE: define('ORDO_ERR_HTTP_HEADERS_TOO_LARGE', 431, false, 'The request headers are too large'),
  CORS_ORIGIN_REFUSED: define(
    'ORDO_ERR_HTTP_CORS_ORIGIN_REFUSED',
    403,
    false,
    'Cross-origin requests from this origin are not allowed',
  ),
  METRICS_TOKEN_REQUIRED: define(
    'ORDO_ERR_HTTP_METRICS_TOKEN_REQUIRED',
    401,
    false,
    'This endpoint needs the metrics token (Authorization: Bearer <ORDO_METRICS_TOKEN>)',
  ),
  INTERNAL: define('ORDO_ERR_HTTP_INTERNAL', 500, true, 'Internal error'),
  NOT_READY: define('ORDO_ERR_HTTP_NOT_READY', 503, true, 'The service is not ready'),

  // Config
  CONFIG_INVALID: define('ORDO_ERR_CONFIG_INVALID', 500, false, 'The configuration is not valid'),

  // Database
  DB_MIGRATION_FAILED: define('ORDO_ERR_DB_MIGRATION_FAILED', 500, false, 'A database migration failed'),
  DB_MIGRATION_CHANGED: define(
    'ORDO_ERR_DB_MIGRATION_CHANGED',
    500,
    false,
    'An applied migration was edited; migrations are append-only',
  ),

  // Messaging
  MSG_MALFORMED: define('ORDO_ERR_MSG_MALFORMED', 400, false, 'The message is not a valid envelope'),
  MSG_SCHEMA_INVALID: define(
    'ORDO_ERR_MSG_SCHEMA_INVALID',
    400,
    false,
    'The message payload does not match its schema',
  ),
  MSG_UNKNOWN_TYPE: define('ORDO_ERR_MSG_UNKNOWN_TYPE', 400, false, 'No schema is registered for the message type'),
  MSG_PUBLISH_FAILED: define('ORDO_ERR_MSG_PUBLISH_FAILED', 503, true, 'The broker did not accept the message'),
  MSG_TRANSPORT_CLOSED: define('ORDO_ERR_MSG_TRANSPORT_CLOSED', 503, true, 'The transport is closed'),
  MSG_SEQUENCE_GAP: define(
    'ORDO_ERR_MSG_SEQUENCE_GAP',
    409,
    true,
    'An earlier message of this aggregate has not arrived yet',
  ),

  // DLQ
  DLQ_NOT_FOUND: define('ORDO_ERR_DLQ_NOT_FOUND', 404, false, 'No such dead-lettered message'),
  DLQ_CONFIRMATION_REQUIRED: define(
    'ORDO_ERR_DLQ_CONFIRMATION_REQUIRED',
    409,
    false,
    'Replaying a payment message needs an explicit operator confirmation',
  ),
  DLQ_ALREADY_REPLAYED: define('ORDO_ERR_DLQ_ALREADY_REPLAYED', 409, false, 'The message was already replayed'),

  // Identity and access (gateway, and every service that checks tokens)
  AUTH_UNAUTHENTICATED: define(
    'ORDO_ERR_AUTH_UNAUTHENTICATED',
    401,
    false,
    'A valid access token is required (Authorization: Bearer <token>)',
  ),
  AUTH_INVALID_CREDENTIALS: define('ORDO_ERR_AUTH_INVALID_CREDENTIALS', 401, false, 'The email or password is wrong'),
  AUTH_FORBIDDEN: define('ORDO_ERR_AUTH_FORBIDDEN', 403, false, 'Your role is not allowed to do this'),
  AUTH_EMAIL_TAKEN: define('ORDO_ERR_AUTH_EMAIL_TAKEN', 409, false, 'An account with this email already exists'),
  AUTH_INVALID_EMAIL: define('ORDO_ERR_AUTH_INVALID_EMAIL', 400, false, 'The email address is not valid'),
  AUTH_PASSWORD_POLICY: define(
    'ORDO_ERR_AUTH_PASSWORD_POLICY',
    400,
    false,
    'The password must be 8 to 128 characters long',
  ),
  AUTH_KEYS_UNAVAILABLE: define(
    'ORDO_ERR_AUTH_KEYS_UNAVAILABLE',
    503,
    true,
    'The token signing keys cannot be loaded right now',
  ),
  AUTH_REFRESH_TOKEN_INVALID: define(
    'ORDO_ERR_AUTH_REFRESH_TOKEN_INVALID',
    401,
    false,
    'The refresh token is not valid; log in again',
  ),
  AUTH_LOGIN_THROTTLED: define(
    'ORDO_ERR_AUTH_LOGIN_THROTTLED',
    429,
    true,
    'Too many failed logins; try again after the time in Retry-After',
  ),
  AUTH_CALLER_UNTRUSTED: define(
    'ORDO_ERR_AUTH_CALLER_UNTRUSTED',
    403,
    false,
    'Only the gateway may name the caller (x-ordo-caller)',
  ),
  GATEWAY_UPSTREAM_UNAVAILABLE: define(
    'ORDO_ERR_GATEWAY_UPSTREAM_UNAVAILABLE',
    503,
    true,
    'The service behind this route does not answer right now',
  ),
  GATEWAY_OVERLOADED: define(
    'ORDO_ERR_GATEWAY_OVERLOADED',
    503,
    true,
    'The gateway is working on as many requests as it takes at once; retry after the time in Retry-After',
  ),
  GATEWAY_RATE_LIMITED: define(
    'ORDO_ERR_GATEWAY_RATE_LIMITED',
    429,
    true,
    'Too many requests of this kind; retry after the time given in Retry-After',
  ),
  GATEWAY_RATE_LIMIT_UNAVAILABLE: define(
    'ORDO_ERR_GATEWAY_RATE_LIMIT_UNAVAILABLE',
    503,
    true,
    'The rate limiter cannot be reached; this route is refused until it can',
  ),
  IDEMPOTENCY_KEY_INVALID: define(
    'ORDO_ERR_IDEMPOTENCY_KEY_INVALID',
    400,
    false,
    'The Idempotency-Key header must be 1 to 255 printable ASCII characters',
  ),
  IDEMPOTENCY_KEY_REUSED: define(
    'ORDO_ERR_IDEMPOTENCY_KEY_REUSED',
    422,
    false,
    'This Idempotency-Key was used with a different request; use a new key for a new request',
  ),
  IDEMPOTENCY_KEY_IN_USE: define(
    'ORDO_ERR_IDEMPOTENCY_KEY_IN_USE',
    409,
    true,
    'A request with this Idempotency-Key is still being processed; retry after the time in Retry-After',
  ),
  IDEMPOTENCY_OUTCOME_UNKNOWN: define(
    'ORDO_ERR_IDEMPOTENCY_OUTCOME_UNKNOWN',
    409,
    false,
    'The first request with this Idempotency-Key never finished; check its effect, then use a new key',
  ),

  // Order
  ORDER_NOT_FOUND: define('ORDO_ERR_ORDER_NOT_FOUND', 404, false, 'No such order'),
  ORDER_ILLEGAL_TRANSITION: define(
    'ORDO_ERR_ORDER_ILLEGAL_TRANSITION',
    409,
    false,
    'The order is not in a state that allows this change',
  ),
  ORDER_CONCURRENT_UPDATE: define(
    'ORDO_ERR_ORDER_CONCURRENT_UPDATE',
    409,
    true,
    'The order was changed at the same time by another request; try again',
  ),
  ORDER_NOT_CANCELLABLE: define('ORDO_ERR_ORDER_NOT_CANCELLABLE', 409, false, 'The order can no longer be cancelled'),
  ORDER_UNKNOWN_RESTAURANT: define('ORDO_ERR_ORDER_UNKNOWN_RESTAURANT', 422, false, 'No such restaurant'),
  ORDER_UNKNOWN_ITEM: define('ORDO_ERR_ORDER_UNKNOWN_ITEM', 422, false, 'An ordered item is not on the menu'),
  ORDER_ITEM_UNAVAILABLE: define('ORDO_ERR_ORDER_ITEM_UNAVAILABLE', 422, false, 'An ordered item is not available'),

  // PSP (the payment-provider simulator, psp-sim)
  PSP_CARD_DECLINED: define('ORDO_ERR_PSP_CARD_DECLINED', 402, false, 'The card was declined'),
  PSP_IDEMPOTENCY_MISMATCH: define(
    'ORDO_ERR_PSP_IDEMPOTENCY_MISMATCH',
    409,
    false,
    'The idempotency key was already used with a different request',
  ),
  PSP_CHARGE_NOT_FOUND: define('ORDO_ERR_PSP_CHARGE_NOT_FOUND', 404, false, 'No such charge'),
  PSP_INVALID_TRANSITION: define(
    'ORDO_ERR_PSP_INVALID_TRANSITION',
    409,
    false,
    'The charge is not in a state that allows this operation',
  ),
  PSP_AMOUNT_EXCEEDED: define(
    'ORDO_ERR_PSP_AMOUNT_EXCEEDED',
    422,
    false,
    'The amount is more than the charge has available',
  ),
  PSP_UNAVAILABLE: define('ORDO_ERR_PSP_UNAVAILABLE', 503, true, 'The payment provider is unavailable'),

  // Sagas (the orchestrator's engine, @ordo/saga)
  SAGA_NOT_FOUND: define('ORDO_ERR_SAGA_NOT_FOUND', 404, false, 'No such saga instance'),
  SAGA_ILLEGAL_ACTION: define(
    'ORDO_ERR_SAGA_ILLEGAL_ACTION',
    409,
    false,
    'The saga is not in a status that allows this action',
  ),
  SAGA_ALREADY_STARTED: define('ORDO_ERR_SAGA_ALREADY_STARTED', 409, false, 'A saga with this id was already started'),
  SAGA_DEFINITION_MISSING: define(
    'ORDO_ERR_SAGA_DEFINITION_MISSING',
    500,
    true,
    'No saga definition is registered for this name and version',
  ),
  SAGA_UNEXPECTED_REPLY: define(
    'ORDO_ERR_SAGA_UNEXPECTED_REPLY',
    400,
    false,
    'The saga step waiting for this command has no handler for the reply type',
  ),
  SAGA_INVALID_DEFINITION: define('ORDO_ERR_SAGA_INVALID_DEFINITION', 500, false, 'The saga definition is not valid'),

  // Delivery (couriers, dispatch, the delivery lifecycle)
  DELIVERY_NOT_FOUND: define('ORDO_ERR_DELIVERY_NOT_FOUND', 404, false, 'No such delivery'),
  DELIVERY_ILLEGAL_TRANSITION: define(
    'ORDO_ERR_DELIVERY_ILLEGAL_TRANSITION',
    409,
    false,
    'The delivery is not in a state that allows this change',
  ),
  DELIVERY_COURIER_NOT_FOUND: define(
    'ORDO_ERR_DELIVERY_COURIER_NOT_FOUND',
    404,
    false,
    'No courier profile for this user',
  ),

  TRACKING_BUSY: define(
    'ORDO_ERR_TRACKING_BUSY',
    429,
    true,
    'Too many location pings are being published right now; retry after the given time',
  ),
  TRACKING_UNAVAILABLE: define(
    'ORDO_ERR_TRACKING_UNAVAILABLE',
    503,
    true,
    'The tracking stream is not accepting pings right now; retry after the given time',
  ),
  TRACKING_PING_REJECTED: define(
    'ORDO_ERR_TRACKING_PING_REJECTED',
    400,
    false,
    'A location ping is from the future, too old, or out of order',
  ),

  // Query (read models)
  QUERY_VIEW_BEHIND: define(
    'ORDO_ERR_QUERY_VIEW_BEHIND',
    503,
    true,
    'The view has not caught up with the version asked for yet; retry shortly',
  ),

  // Restaurant (menus, availability, kitchen tickets)
  RESTAURANT_NOT_FOUND: define('ORDO_ERR_RESTAURANT_NOT_FOUND', 404, false, 'No such restaurant'),
  RESTAURANT_TICKET_NOT_FOUND: define('ORDO_ERR_RESTAURANT_TICKET_NOT_FOUND', 404, false, 'No such kitchen ticket'),
  RESTAURANT_ILLEGAL_TRANSITION: define(
    'ORDO_ERR_RESTAURANT_ILLEGAL_TRANSITION',
    409,
    false,
    'The kitchen ticket is not in a state that allows this change',
  ),
  RESTAURANT_UNKNOWN_MENU_ITEM: define(
    'ORDO_ERR_RESTAURANT_UNKNOWN_MENU_ITEM',
    400,
    false,
    'The restaurant has no menu item with this id',
  ),

  // Payment (the payment service; codes also travel in saga replies as `detail: 'CODE: …'`)
  PAYMENT_PSP_UNAVAILABLE: define(
    'ORDO_ERR_PAYMENT_PSP_UNAVAILABLE',
    503,
    true,
    'The payment provider cannot be reached right now',
  ),
  PAYMENT_PSP_BAD_RESPONSE: define(
    'ORDO_ERR_PAYMENT_PSP_BAD_RESPONSE',
    502,
    true,
    'The payment provider answered with something Ordo cannot read',
  ),
  PAYMENT_PSP_REJECTED: define(
    'ORDO_ERR_PAYMENT_PSP_REJECTED',
    422,
    false,
    'The payment provider refused the operation',
  ),
  PAYMENT_NOT_AUTHORIZED: define('ORDO_ERR_PAYMENT_NOT_AUTHORIZED', 409, false, 'The payment is not authorized'),
  PAYMENT_ALREADY_CAPTURED: define(
    'ORDO_ERR_PAYMENT_ALREADY_CAPTURED',
    409,
    false,
    'The payment was captured; it can be refunded, not voided',
  ),
  PAYMENT_NOT_CAPTURED: define('ORDO_ERR_PAYMENT_NOT_CAPTURED', 409, false, 'The payment was not captured'),
  PAYMENT_AMOUNT_EXCEEDED: define(
    'ORDO_ERR_PAYMENT_AMOUNT_EXCEEDED',
    422,
    false,
    'The amount is more than the payment has available',
  ),
  PAYMENT_DEADLINE_EXCEEDED: define(
    'ORDO_ERR_PAYMENT_DEADLINE_EXCEEDED',
    504,
    false,
    'The payment provider stayed unavailable until the operation deadline',
  ),
  PAYMENT_AUTHORIZATION_CANCELLED: define(
    'ORDO_ERR_PAYMENT_AUTHORIZATION_CANCELLED',
    409,
    false,
    'The authorization was withdrawn by a void before the provider placed it',
  ),

  // Field encryption (@ordo/crypto, ADR 0023)
  CRYPTO_NOT_ENTITLED: define(
    'ORDO_ERR_CRYPTO_NOT_ENTITLED',
    500,
    false,
    'This service holds no key for this kind of personal data',
  ),
  CRYPTO_OPEN_FAILED: define('ORDO_ERR_CRYPTO_OPEN_FAILED', 500, false, 'A sealed value could not be opened'),
  CRYPTO_KEYS_UNAVAILABLE: define(
    'ORDO_ERR_CRYPTO_KEYS_UNAVAILABLE',
    503,
    true,
    'The data-encryption keys cannot be loaded right now',
  ),

  // Fault injection
  FAULT_INJECTED: define('ORDO_ERR_FAULT_INJECTED', 500, true, 'A fault was injected at this point'),
} as const;

export type ErrorCode = (typeof Errors)[keyof typeof Errors]['code'];

export function allErrorDefinitions(): ErrorDefinition[] {
  return Object.values(Errors);
}

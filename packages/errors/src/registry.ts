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
  NOT_FOUND: define('ORDO_ERR_HTTP_NOT_FOUND', 404, false, 'No such resource'),
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

  // Fault injection
  FAULT_INJECTED: define('ORDO_ERR_FAULT_INJECTED', 500, true, 'A fault was injected at this point'),
} as const;

export type ErrorCode = (typeof Errors)[keyof typeof Errors]['code'];

export function allErrorDefinitions(): ErrorDefinition[] {
  return Object.values(Errors);
}

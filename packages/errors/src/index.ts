export { AppError, type ErrorDefinition, errorMessage, isAppError, isRetryable } from './app-error.js';
export { allErrorDefinitions, type ErrorCode, Errors } from './registry.js';

export { createHttpApp, type HttpAppOptions } from './create-http-app.js';
export { errorHandlerPlugin, frameworkErrorHandler } from './error-handler.plugin.js';
export { type ErrorBody, type ErrorResponse, errorBody, toErrorResponse } from './error-mapping.js';
export { DEFAULT_CHECK_TIMEOUT_MS, type HealthPluginOptions, healthPlugin, type Readiness } from './health.plugin.js';
export { type MetricsOptions, registerMetrics, UNMATCHED_ROUTE } from './metrics.js';
export { type CheckResult, CheckStatus, type ReadinessCheck, runReadinessChecks } from './readiness.js';

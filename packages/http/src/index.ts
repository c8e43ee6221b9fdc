export { type CorsOptions, corsPlugin } from './cors.plugin.js';
export { createHttpApp, type HttpAppOptions, SYNTHETIC_USER_AGENT_PREFIX } from './create-http-app.js';
export { errorHandlerPlugin, frameworkErrorHandler } from './error-handler.plugin.js';
export { type ErrorBody, type ErrorResponse, errorBody, toErrorResponse } from './error-mapping.js';
export { DEFAULT_CHECK_TIMEOUT_MS, type HealthPluginOptions, healthPlugin, type Readiness } from './health.plugin.js';
export { type MetricsOptions, registerMetrics, UNMATCHED_ROUTE } from './metrics.js';
export { type MetricsTokenGuard, metricsTokenGuard } from './metrics-token.js';
export { type ApiOperation, type ApiResponse, type HttpMethod, openApiPath } from './openapi/api-operation.js';
export { DOCS_PATH, type DocsPluginOptions, docsPlugin, OPENAPI_JSON_PATH } from './openapi/docs.plugin.js';
export type { JsonSchema } from './openapi/json-schema.js';
export {
  BEARER_SCHEME,
  ERROR_SCHEMA,
  errorBodySchema,
  type OpenApiDocument,
  type OpenApiDocumentOptions,
  type OpenApiOperation,
  type OpenApiParameter,
  type OpenApiResponse,
  type OpenApiTag,
  openApiDocument,
} from './openapi/openapi-document.js';
export { parseInput, type RequestPart } from './parse-input.js';
export { type CheckResult, CheckStatus, type ReadinessCheck, runReadinessChecks } from './readiness.js';
export {
  clientErrorHandler,
  MAX_HEADER_BYTES,
  MAX_PARAM_LENGTH,
  MAX_URL_LENGTH,
  refuseLongUrls,
  requestLimitOptions,
} from './request-limits.js';
export { API_CONTENT_SECURITY_POLICY, HSTS_HEADER, securityHeadersPlugin } from './security-headers.plugin.js';

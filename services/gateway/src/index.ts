export { gatewayMigrations } from './data-access/migrations.js';
export { EMAIL_MAX_LENGTH, normalizeEmail } from './domain/email.js';
export type { BackoffPolicy, LoginBackoffOptions } from './domain/login-backoff.js';
export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './domain/password-policy.js';
export {
  classify as classifyRateLimit,
  DEFAULT_RATE_LIMITS,
  DEMO_RATE_LIMIT_FACTOR,
  LOAD_TEST_RATE_LIMITS,
  parseRateLimitSettings,
  RATE_LIMIT_CLASSES,
  RateLimitClass,
  type RateLimitRule,
  type RateLimitRules,
  type RateLimitSettings,
  resolveRateLimits,
} from './domain/rate-limit-policy.js';
export type { User, UserView } from './domain/user.js';
export { type AdmissionOptions, DEFAULT_MAX_IN_FLIGHT } from './entry-points/http/admission.plugin.js';
export { CONNECTIONS_PER_SERVICE, type Upstream, type UpstreamPrefix } from './entry-points/http/proxy.routes.js';
export type { GatewayRateLimitOptions } from './entry-points/http/rate-limit.plugin.js';
export {
  type DemoAccountView,
  WEB_CONFIG_PATH,
  type WebAppOptions,
  type WebConfig,
} from './entry-points/http/web-app.plugin.js';
export { GATEWAY_SCHEMA } from './gateway-schema.js';
export { createGatewayService, type GatewayOptions, type GatewayService } from './main.js';
export type { SessionOptions } from './sessions.module.js';
export { recomputeEmailLookups } from './use-cases/recompute-email-lookups.js';
export {
  type SeedUser,
  type SeedUsersOptions,
  type SeedUsersResult,
  seedUsers,
} from './use-cases/seed-users.use-case.js';

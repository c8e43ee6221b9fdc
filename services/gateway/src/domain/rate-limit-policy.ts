// Which limit a request counts against, and how many of each a caller may make per window. Pure:
// the gateway's rate-limit plugin applies it; hosts parse operators' settings with the schema here.
import { z } from 'zod';

/** Request classes, each with a limit of its own (a caller's reads do not eat into their orders). */
export const RateLimitClass = {
  /** Login and registration, per IP: where passwords are guessed and accounts farmed. */
  Auth: 'auth',
  /** Writes that move money or an order's fate: place, cancel, saga actions, payment operations, pickup. */
  Money: 'money',
  /** Courier location pings (batches every second or so while driving). */
  Locations: 'locations',
  /** Any other write. */
  Write: 'write',
  /** GET and HEAD. */
  Read: 'read',
} as const;
export type RateLimitClass = (typeof RateLimitClass)[keyof typeof RateLimitClass];
export const RATE_LIMIT_CLASSES = Object.values(RateLimitClass);

export interface RateLimitRule {
  /** Requests allowed per window and caller. */
  readonly max: number;
  readonly windowSeconds: number;
}
export type RateLimitRules = Readonly<Record<RateLimitClass, RateLimitRule>>;

/**
 * How each class's counts are shared among gateway instances (ADR 0017): on every request (exact
 * across instances; where a limit guards passwords or money, and the requests are few), or in
 * batches every fraction of a second (no Redis round trip on the request's path; where requests
 * are many and a limit is abuse control).
 */
export const SHARED_COUNTING: Readonly<Record<RateLimitClass, 'every-request' | 'batched'>> = {
  auth: 'every-request',
  money: 'every-request',
  locations: 'batched',
  write: 'batched',
  read: 'batched',
};

/** The limits of a production deployment (ADR 0017). */
export const DEFAULT_RATE_LIMITS: RateLimitRules = {
  auth: { max: 10, windowSeconds: 60 },
  money: { max: 10, windowSeconds: 60 },
  locations: { max: 120, windowSeconds: 60 },
  write: { max: 60, windowSeconds: 60 },
  read: { max: 100, windowSeconds: 60 },
};

/**
 * The `npm start` demo: its simulator drives one customer (an order every 5 s, status polls every
 * second), every kitchen and eight couriers from 127.0.0.1, and a person may use the same customer
 * account in the browser at the same time. Ten times the defaults leaves room for all of it.
 */
export const DEMO_RATE_LIMIT_FACTOR = 10;

/**
 * Tests and benchmarks, which place thousands of orders per user from one address: the limiter
 * still runs (its cost is measured), it just never refuses.
 */
export const LOAD_TEST_RATE_LIMITS = { factor: 1_000_000 } as const satisfies RateLimitSettings;

const ruleOverride = z.strictObject({
  max: z.number().int().min(0).max(1_000_000_000).optional(),
  windowSeconds: z
    .number()
    .int()
    .min(1)
    .max(24 * 3600)
    .optional(),
});

/**
 * Operators' settings: `'off'`, or changes to the defaults — `factor` multiplies every `max`, and
 * a class named explicitly sets its own values (after the factor).
 */
export const rateLimitSettingsSchema = z.union([
  z.literal('off'),
  z.strictObject({
    factor: z.number().positive().max(1_000_000).optional(),
    ...Object.fromEntries(RATE_LIMIT_CLASSES.map((c) => [c, ruleOverride.optional()])),
  } as Record<'factor', z.ZodOptional<z.ZodNumber>> & Record<RateLimitClass, z.ZodOptional<typeof ruleOverride>>),
]);
export type RateLimitSettings = z.input<typeof rateLimitSettingsSchema>;

/** The rules the settings give, or undefined when limits are off. */
export function resolveRateLimits(
  settings: RateLimitSettings = {},
  base: RateLimitRules = DEFAULT_RATE_LIMITS,
): RateLimitRules | undefined {
  if (settings === 'off') return undefined;
  const factor = settings.factor ?? 1;
  const rules = {} as Record<RateLimitClass, RateLimitRule>;
  for (const name of RATE_LIMIT_CLASSES) {
    const scaled = { ...base[name], max: Math.round(base[name].max * factor) };
    rules[name] = { ...scaled, ...settings[name] };
  }
  return rules;
}

/**
 * Reads `ORDO_RATE_LIMITS`: `off`, or JSON settings (`{"factor":10}`, `{"auth":{"max":20}}`).
 * Throws with every problem named; unknown keys are refused so a typo does not go unnoticed.
 */
export function parseRateLimitSettings(text: string): RateLimitSettings {
  const trimmed = text.trim();
  if (trimmed === 'off') return 'off';
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    throw new Error('must be `off` or JSON, e.g. {"factor":10} or {"auth":{"max":20}}');
  }
  const parsed = rateLimitSettingsSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

// The money-moving writes, by path pattern (ids are one segment). Pickup captures the payment;
// the other courier steps and the kitchen's do not move money and count as plain writes.
const MONEY_WRITES: readonly RegExp[] = [
  /^\/v1\/orders$/,
  /^\/v1\/orders\/[^/]+\/cancel$/,
  /^\/v1\/ops\/sagas\/[^/]+\/[^/]+$/,
  /^\/v1\/ops\/payments(\/.*)?$/,
  /^\/v1\/courier\/deliveries\/[^/]+\/picked-up$/,
];
const LOCATION_WRITES: readonly RegExp[] = [/^\/v1\/couriers\/me\/locations$/, /^\/v1\/courier\/position$/];
const AUTH_WRITES: readonly RegExp[] = [/^\/v1\/auth\/login$/, /^\/v1\/auth\/register$/];
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The class of `method path` (path without its query), or undefined for what is not limited: only
 * the API under `/v1/` is; health, readiness, metrics, the JWKS, the docs and the web app's files
 * are not. Matched on the raw path rather than the route pattern because the distributed shape's
 * gateway sees only its proxy's wildcard routes.
 */
export function classify(method: string, path: string): RateLimitClass | undefined {
  if (!path.startsWith('/v1/')) return undefined;
  if (READ_METHODS.has(method)) return RateLimitClass.Read;
  if (method === 'POST') {
    if (AUTH_WRITES.some((p) => p.test(path))) return RateLimitClass.Auth;
    if (MONEY_WRITES.some((p) => p.test(path))) return RateLimitClass.Money;
    if (LOCATION_WRITES.some((p) => p.test(path))) return RateLimitClass.Locations;
  }
  return RateLimitClass.Write;
}

// The environment variables of the edge defaults, for a host's or a service's config schema to
// spread in (as it does the demo switches): which browser origins may call the API, the metrics
// token of /metrics and the detailed readiness report, and which proxies in front may name the
// client's address.
import { isIP } from 'node:net';
import { z } from 'zod';

/** Shorter tokens are refused: the token is the only thing guarding /metrics. */
export const MIN_METRICS_TOKEN_LENGTH = 32;

// An origin as a browser sends it: scheme, host and an optional port, nothing after.
const ORIGIN = /^https?:\/\/[^/\s?#]+$/;

/** `10.0.0.0/8`, `fd00::/8` or a single address. */
function isAddressOrCidr(text: string): boolean {
  const [address, bits, ...rest] = text.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n <= (family === 4 ? 32 : 128);
}

/**
 * Which proxies may say who the client is (`X-Forwarded-For`): none (the default: the TCP peer is
 * the client), or the proxies' addresses and CIDRs. Never "everyone", and no hop count: either
 * would let a client that reaches the gateway directly pick its own address and walk past the
 * per-address limits.
 */
export type TrustedProxies = readonly string[] | undefined;

export const edgeConfigVariables = {
  /** Comma-separated origins allowed by CORS (`https://app.example.com,https://ops.example.com`). */
  ORDO_CORS_ORIGINS: z
    .string()
    .optional()
    .transform((text) =>
      (text ?? '')
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .refine((origins) => origins.every((origin) => ORIGIN.test(origin)), {
      message: 'must be origins like https://app.example.com, separated by commas',
    }),
  /** Bearer token for GET /metrics and GET /readyz?detail=true; both are closed without it. */
  ORDO_METRICS_TOKEN: z
    .string()
    .min(MIN_METRICS_TOKEN_LENGTH, `must be at least ${MIN_METRICS_TOKEN_LENGTH} characters`)
    .optional(),
  /**
   * Proxies whose `X-Forwarded-For` names the client (login backoff and rate limits count per
   * address): their addresses and CIDRs (`10.0.0.0/8,192.168.1.10`). Unset: none.
   */
  ORDO_TRUST_PROXY: z
    .string()
    .optional()
    .transform((text, ctx): TrustedProxies => {
      const entries = (text ?? '')
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean);
      if (entries.length === 0) return undefined;
      const bad = entries.filter((entry) => !isAddressOrCidr(entry));
      if (bad.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `must be the proxies' IP addresses or CIDRs, separated by commas; not: ${bad.join(', ')}`,
        });
        return z.NEVER;
      }
      return entries;
    }),
  /**
   * The gateway's load shedding: how many API requests it works on at once before it refuses the
   * next with 503 and Retry-After (`off`: never). Unset: the default (1024).
   */
  ORDO_MAX_IN_FLIGHT: z
    .string()
    .optional()
    .transform((text, ctx): number | 'off' | undefined => {
      const value = text?.trim();
      if (value === undefined || value === '') return undefined;
      if (value === 'off') return 'off';
      if (/^[1-9]\d{0,6}$/.test(value)) return Number(value);
      ctx.addIssue({ code: 'custom', message: "must be a whole number from 1 to 9999999, or 'off'" });
      return z.NEVER;
    }),
};

export interface EdgeConfig {
  corsOrigins: string[];
  metricsToken: string | undefined;
  trustProxy: TrustedProxies;
  /** The gateway's load shedding: API requests at once, `'off'`, or undefined for the default. */
  maxInFlight: number | 'off' | undefined;
}

export function edgeConfig(env: {
  ORDO_CORS_ORIGINS: string[];
  ORDO_METRICS_TOKEN?: string | undefined;
  ORDO_TRUST_PROXY?: TrustedProxies;
  ORDO_MAX_IN_FLIGHT?: number | 'off' | undefined;
}): EdgeConfig {
  return {
    corsOrigins: env.ORDO_CORS_ORIGINS,
    metricsToken: env.ORDO_METRICS_TOKEN,
    trustProxy: env.ORDO_TRUST_PROXY,
    maxInFlight: env.ORDO_MAX_IN_FLIGHT,
  };
}

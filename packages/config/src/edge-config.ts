// The environment variables of the edge defaults, for a host's or a service's config schema to
// spread in (as it does the demo switches): which browser origins may call the API, and the
// metrics token of /metrics and the detailed readiness report.
import { z } from 'zod';

/** Shorter tokens are refused: the token is the only thing guarding /metrics. */
export const MIN_METRICS_TOKEN_LENGTH = 32;

// An origin as a browser sends it: scheme, host and an optional port, nothing after.
const ORIGIN = /^https?:\/\/[^/\s?#]+$/;

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
};

export interface EdgeConfig {
  corsOrigins: string[];
  metricsToken: string | undefined;
}

export function edgeConfig(env: { ORDO_CORS_ORIGINS: string[]; ORDO_METRICS_TOKEN?: string | undefined }): EdgeConfig {
  return { corsOrigins: env.ORDO_CORS_ORIGINS, metricsToken: env.ORDO_METRICS_TOKEN };
}

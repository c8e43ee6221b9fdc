// Config of one service process (`ordo serve <service>`), read from the environment once and
// validated before anything connects: every missing or bad variable is reported together.
import {
  edgeConfig,
  edgeConfigVariables,
  encryptionConfig,
  encryptionConfigVariables,
  envInt,
  envLogLevel,
  envPort,
} from '@ordo/config';
import { Keyring, LOOKUP_PURPOSES, purposesOf } from '@ordo/crypto';
import { parseRateLimitSettings } from '@ordo/gateway';
import type { TlsFiles } from '@ordo/tls';
import { z } from 'zod';
import { BUSINESS_SERVICES, type BusinessService, parseTuning, type ServiceName } from '../host/service-catalog.js';

const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** `order=http://127.0.0.1:3101,restaurant=http://...`: where the gateway forwards each service's paths. */
function upstreamList() {
  return z.string().transform((value, ctx) => {
    const urls: Partial<Record<BusinessService, string>> = {};
    for (const part of value
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const [name, url] = part.split(/=(.*)/s) as [string, string | undefined];
      if (!(BUSINESS_SERVICES as readonly string[]).includes(name) || !url || !httpUrl.safeParse(url).success) {
        ctx.addIssue({ code: 'custom', message: `'${part}' is not <service>=<http url> for a known service` });
        return z.NEVER;
      }
      urls[name as BusinessService] = url;
    }
    const missing = BUSINESS_SERVICES.filter((s) => !urls[s]);
    if (missing.length > 0) {
      ctx.addIssue({ code: 'custom', message: `no URL for ${missing.join(', ')}` });
      return z.NEVER;
    }
    return urls as Record<BusinessService, string>;
  });
}

function tuningJson() {
  return z.string().transform((value, ctx) => {
    try {
      return parseTuning(value);
    } catch (error) {
      const message =
        error instanceof z.ZodError
          ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
          : String(error);
      ctx.addIssue({ code: 'custom', message: `must be JSON tuning: ${message}` });
      return z.NEVER;
    }
  });
}

/** `off` or JSON changes to the default limits (ADR 0017), checked against the gateway's schema. */
function rateLimitsSetting() {
  return z.string().transform((value, ctx) => {
    try {
      return parseRateLimitSettings(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });
}

/**
 * `ordo serve <service>`'s settings. `tool` (a command that builds the service without serving it,
 * like `ordo projections rebuild`) needs no TLS files.
 */
export function serveConfigSchema(service: ServiceName, use: 'serve' | 'tool' = 'serve') {
  return z
    .object({
      PORT: envPort().default(3000),
      HOST: z.string().default('0.0.0.0'),
      /** The service's own database. */
      DATABASE_URL: postgresUrl.optional(),
      DATABASE_POOL_SIZE: envInt({ min: 1, max: 200 }).default(10),
      NATS_URL: z.string().default('nats://127.0.0.1:4222'),
      /** Prefix of this deployment's streams and subjects, so several can share one NATS server. */
      ORDO_NATS_NAMESPACE: z
        .string()
        .regex(/^[a-z0-9_-]+$/, 'must be one lowercase token of [a-z0-9_-]')
        .optional(),
      /**
       * Redis: the query service's read models and live feeds (required there), and the restaurant
       * service's shared cache level (optional: without it each process caches on its own).
       */
      REDIS_URL: z
        .string()
        .regex(/^rediss?:\/\//, 'must be a redis:// URL')
        .optional(),
      /** The gateway (no longer needed by the services: the gateway forwards the caller, ADR 0024). */
      ORDO_GATEWAY_URL: httpUrl.optional(),
      /**
       * Mutual TLS between the gateway and the services (ADR 0024): the CA every party trusts, and
       * this process's certificate and key (PEM files; `ordo certs` makes development ones).
       */
      ORDO_TLS_CA: z.string().min(1).optional(),
      ORDO_TLS_CERT: z.string().min(1).optional(),
      ORDO_TLS_KEY: z.string().min(1).optional(),
      /** The payment provider (payment service). */
      ORDO_PSP_URL: httpUrl.optional(),
      /** Gateway: where each service listens. */
      ORDO_UPSTREAMS: upstreamList().optional(),
      ORDO_TUNING: tuningJson().optional(),
      /** Gateway: request rate limits, `off` or JSON changes to the defaults (counted in REDIS_URL's Redis). */
      ORDO_RATE_LIMITS: rateLimitsSetting().optional(),
      /** Fault points armed at start, for crash tests (e.g. `consumer.afterCommit=exit@1`). */
      ORDO_FAULTS: z.string().optional(),
      ORDO_LOG_LEVEL: envLogLevel().default('info'),
      /** Browser origins CORS lets in (none by default), and the token of /metrics and detailed readiness. */
      ...edgeConfigVariables,
      /** The master key (ADR 0023): the process derives its own purposes' keys from it, then drops it. */
      ...encryptionConfigVariables,
      /**
       * Instead of the master key: this process's KEKs only, `<purpose>:<key id>:<base64>,…`, and
       * its lookup keys, `lookup/<purpose>:<key id>:<base64>` (what `cluster up` passes).
       */
      ORDO_FIELD_KEYS: z
        .string()
        .refine((text) => {
          try {
            Keyring.parse(text);
            return true;
          } catch {
            return false;
          }
        }, 'must be [lookup/]<purpose>:<key id>:<base64 key> entries separated by commas')
        .optional(),
    })
    .superRefine((env, ctx) => {
      const need = (variable: keyof typeof env, why: string) => {
        if (env[variable] === undefined) ctx.addIssue({ code: 'custom', path: [variable], message: `required ${why}` });
      };
      // Checked here rather than in the shape, so every missing variable is reported in one go.
      need('DATABASE_URL', "(the service's own database)");
      // The gateway calls the services over mutual TLS; a service takes no other connection.
      if (use === 'serve' && service !== 'psp-sim') {
        const why = `by ${service} (mutual TLS inside the cluster; \`ordo certs\` makes development files)`;
        for (const variable of ['ORDO_TLS_CA', 'ORDO_TLS_CERT', 'ORDO_TLS_KEY'] as const) need(variable, why);
      }
      for (const [upstream, url] of Object.entries(env.ORDO_UPSTREAMS ?? {})) {
        if (!url.startsWith('https:')) {
          ctx.addIssue({ code: 'custom', path: ['ORDO_UPSTREAMS'], message: `${upstream}: must be an https URL` });
        }
      }
      if (use === 'serve' && purposesOf(service).length > 0 && !env.ORDO_FIELD_KEYS && !env.ORDO_MASTER_KEY) {
        const why = `by ${service}: it seals or opens ${purposesOf(service).join(', ')} data (ADR 0023)`;
        ctx.addIssue({
          code: 'custom',
          path: ['ORDO_MASTER_KEY'],
          message: `ORDO_MASTER_KEY or ORDO_FIELD_KEYS required ${why}`,
        });
      }
      if (use === 'serve' && env.ORDO_FIELD_KEYS && !env.ORDO_MASTER_KEY) {
        const keyring = (() => {
          try {
            return Keyring.parse(env.ORDO_FIELD_KEYS as string);
          } catch {
            return undefined;
          }
        })();
        for (const purpose of purposesOf(service).filter((p) => LOOKUP_PURPOSES.includes(p))) {
          if (keyring && keyring.lookupKeys(purpose).length === 0) {
            ctx.addIssue({
              code: 'custom',
              path: ['ORDO_FIELD_KEYS'],
              message: `needs the lookup key of '${purpose}' (lookup/${purpose}:<key id>:<base64>) by ${service} (ADR 0023)`,
            });
          }
        }
      }
      if (service === 'payment') need('ORDO_PSP_URL', 'by the payment service');
      if (service === 'gateway') need('ORDO_UPSTREAMS', 'by the gateway');
      if (service === 'query') need('REDIS_URL', 'by the query service (read models, live feeds)');
    })
    .transform((env) => ({
      service,
      ...edgeConfig(env),
      port: env.PORT,
      host: env.HOST,
      databaseUrl: env.DATABASE_URL as string,
      databasePoolSize: env.DATABASE_POOL_SIZE,
      natsUrl: env.NATS_URL,
      natsNamespace: env.ORDO_NATS_NAMESPACE,
      redisUrl: env.REDIS_URL,
      gatewayUrl: env.ORDO_GATEWAY_URL,
      /** `masterKey`, `previousMasterKeys` and `fieldKeys` (this process's KEKs): see `serveFieldKeys`. */
      ...encryptionConfig(env),
      fieldKeys: env.ORDO_FIELD_KEYS,
      tls: tlsFiles(env.ORDO_TLS_CA, env.ORDO_TLS_CERT, env.ORDO_TLS_KEY),
      pspUrl: env.ORDO_PSP_URL,
      upstreams: env.ORDO_UPSTREAMS,
      tuning: env.ORDO_TUNING ?? {},
      rateLimits: env.ORDO_RATE_LIMITS,
      faults: env.ORDO_FAULTS,
      logLevel: env.ORDO_LOG_LEVEL,
    }));
}

export type ServeConfig = z.output<ReturnType<typeof serveConfigSchema>>;

function tlsFiles(caFile?: string, certFile?: string, keyFile?: string): TlsFiles | undefined {
  return caFile && certFile && keyFile ? { caFile, certFile, keyFile } : undefined;
}

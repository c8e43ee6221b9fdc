// Config of `ordo start`: one process running every service. On PGlite in the data dir (the
// embedded shape), or on PostgreSQL when a database URL is given (the single-node shape).
import { z } from 'zod';
import { checkDemoSwitches, demoSwitches, demoSwitchVariables } from './demo-switches.js';
import { edgeConfig, edgeConfigVariables } from './edge-config.js';
import { encryptionConfig, encryptionConfigVariables } from './encryption-config.js';
import { envInt, envLogLevel, envPort } from './env-types.js';

export const hostConfigSchema = z
  .object({
    PORT: envPort().default(3000),
    /**
     * Loopback unless told otherwise: `npm start` is for trying Ordo on this machine, and its demo
     * sign-in page shows the demo accounts' passwords. `HOST=0.0.0.0` opens it to the network.
     */
    HOST: z.string().default('127.0.0.1'),
    ORDO_DATA_DIR: z.string().default('./.ordo/data'),
    /** PostgreSQL instead of PGlite: the single-node shape. */
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL')
      .optional(),
    DATABASE_POOL_SIZE: envInt({ min: 1, max: 200 }).default(16),
    ORDO_LOG_LEVEL: envLogLevel().default('info'),
    /**
     * The gateway's request rate limits: `off`, or JSON changes to the defaults (`{"factor":10}`,
     * `{"auth":{"max":20}}`). The host checks it against the gateway's schema before it opens anything.
     */
    ORDO_RATE_LIMITS: z.string().optional(),
    /**
     * The payment provider. Unset: the PSP simulator runs inside this process on a loopback port
     * (the demo, tests). Set: the payment service calls this URL and no simulator is started.
     */
    ORDO_PSP_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    ...demoSwitchVariables,
    ...edgeConfigVariables,
    ...encryptionConfigVariables,
  })
  .superRefine(checkDemoSwitches)
  .transform((env) => ({
    port: env.PORT,
    host: env.HOST,
    dataDir: env.ORDO_DATA_DIR,
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    logLevel: env.ORDO_LOG_LEVEL,
    rateLimits: env.ORDO_RATE_LIMITS,
    pspUrl: env.ORDO_PSP_URL,
    /** `seed`: the demo restaurants, menus, couriers and accounts; `demo`: the simulated traffic. */
    ...demoSwitches(env),
    /** `corsOrigins` (closed when empty) and `metricsToken` (/metrics and detailed readiness). */
    ...edgeConfig(env),
    /** `masterKey` (ADR 0023; a dev key file in the data dir when unset) and `previousMasterKeys`. */
    ...encryptionConfig(env),
  }));

export type HostConfig = z.output<typeof hostConfigSchema>;

/** The defaults with some settings changed: how tests and tools build a host config. */
export function hostConfig(overrides: Partial<HostConfig> = {}): HostConfig {
  return { ...hostConfigSchema.parse({}), ...overrides };
}

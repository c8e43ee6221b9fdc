// Config of the standalone simulator (`runPspSim`), parsed once from the environment.
import { envLogLevel, envPort } from '@ordo/config';
import { z } from 'zod';

export const pspSimConfigSchema = z
  .object({
    PORT: envPort().default(4100),
    HOST: z.string().default('0.0.0.0'),
    PSP_SIM_DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL')
      .optional(),
    ORDO_LOG_LEVEL: envLogLevel().default('info'),
  })
  .transform((env) => ({
    port: env.PORT,
    host: env.HOST,
    /** Postgres in the distributed shape; unset: an in-memory PGlite (state is lost on exit). */
    databaseUrl: env.PSP_SIM_DATABASE_URL,
    logLevel: env.ORDO_LOG_LEVEL,
  }));

export type PspSimConfig = z.output<typeof pspSimConfigSchema>;

// Config of the embedded host (`ordo start`): where it listens, where its data lives.
import { z } from 'zod';
import { envLogLevel, envOnOff, envPort } from './env-types.js';

export const hostConfigSchema = z
  .object({
    PORT: envPort().default(3000),
    HOST: z.string().default('0.0.0.0'),
    ORDO_DATA_DIR: z.string().default('./.ordo/data'),
    ORDO_LOG_LEVEL: envLogLevel().default('info'),
    ORDO_DEMO: envOnOff().default(true),
  })
  .transform((env) => ({
    port: env.PORT,
    host: env.HOST,
    dataDir: env.ORDO_DATA_DIR,
    logLevel: env.ORDO_LOG_LEVEL,
    /** Seed demo restaurants, couriers and users on start. */
    demo: env.ORDO_DEMO,
  }));

export type HostConfig = z.output<typeof hostConfigSchema>;

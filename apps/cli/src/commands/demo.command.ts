// `ordo demo`: the demo simulator (customers ordering, kitchens cooking, couriers driving) as a
// process of its own, against any Ordo URL; `ordo cluster up` runs it next to the services.
import { readFile } from 'node:fs/promises';
import { type Env, envLogLevel, parseConfig } from '@ordo/config';
import { createLogger } from '@ordo/logger';
import { z } from 'zod';
import { startDemoSimulator } from '../demo/demo-simulator.js';
import type { DemoCredentials } from '../host/demo-seed.js';
import { runUntilSignal } from './run-until-signal.js';

const demoEnvSchema = z
  .object({ ORDO_LOG_LEVEL: envLogLevel().default('info') })
  .transform((env) => ({ logLevel: env.ORDO_LOG_LEVEL }));

export async function demoCommand(
  options: { url: string; credentials: string },
  env: Env = process.env,
): Promise<void> {
  const config = parseConfig(demoEnvSchema, env);
  const logger = createLogger({ level: config.logLevel, name: 'ordo-demo' });
  const credentials = JSON.parse(await readFile(options.credentials, 'utf8')) as DemoCredentials;
  await runUntilSignal(logger, async () => {
    const simulator = startDemoSimulator({
      baseUrl: options.url,
      accounts: credentials.accounts,
      logger: logger.child({ component: 'demo' }),
    });
    return { close: () => simulator.stop() };
  });
}

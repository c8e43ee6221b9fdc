// `ordo serve <service>`: one service as its own process (the distributed shape), configured from
// the environment, run until SIGTERM or SIGINT.
import { type Env, parseConfig } from '@ordo/config';
import { AppError, Errors } from '@ordo/errors';
import { createLogger } from '@ordo/logger';
import { isServiceName, SERVICE_NAMES } from '../host/service-catalog.js';
import { serveConfigSchema } from '../serve/serve-config.js';
import { serveService } from '../serve/serve-service.js';
import { runUntilSignal } from './run-until-signal.js';

export async function serveCommand(service: string, env: Env = process.env): Promise<void> {
  if (!isServiceName(service)) {
    throw new AppError(Errors.CONFIG_INVALID, {
      message: `unknown service '${service}'; one of: ${SERVICE_NAMES.join(', ')}`,
    });
  }
  const config = parseConfig(serveConfigSchema(service), env);
  const logger = createLogger({ level: config.logLevel, name: `ordo-${service}` });
  await runUntilSignal(logger, () => serveService(config, logger));
}

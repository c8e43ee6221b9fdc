// `ordo start`: the embedded host, run until SIGTERM or SIGINT.
import { type Env, hostConfigSchema, parseConfig } from '@ordo/config';
import { createLogger } from '@ordo/logger';
import { startHost } from '../host/start-host.js';
import { runUntilSignal } from './run-until-signal.js';

export async function startCommand(env: Env = process.env): Promise<void> {
  const config = parseConfig(hostConfigSchema, env);
  const logger = createLogger({ level: config.logLevel, name: 'ordo' });
  await runUntilSignal(logger, () => startHost({ config, logger }));
}

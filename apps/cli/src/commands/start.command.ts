// `ordo start`: every service in one process, run until SIGTERM or SIGINT. On PGlite in the data
// dir (the embedded shape), or on PostgreSQL with `--database` / DATABASE_URL (the single-node shape).
import { type Env, hostConfigSchema, parseConfig } from '@ordo/config';
import { createLogger } from '@ordo/logger';
import { startHost } from '../host/start-host.js';
import { runUntilSignal } from './run-until-signal.js';

export interface StartCommandOptions {
  /** A PostgreSQL URL; wins over DATABASE_URL. */
  database?: string;
}

export async function startCommand(options: StartCommandOptions = {}, env: Env = process.env): Promise<void> {
  const config = parseConfig(hostConfigSchema, options.database ? { ...env, DATABASE_URL: options.database } : env);
  const logger = createLogger({ level: config.logLevel, name: 'ordo' });
  await runUntilSignal(logger, () => startHost({ config, logger }));
}

// `ordo start`: the embedded host, run until SIGTERM or SIGINT.
import { type Env, hostConfigSchema, parseConfig } from '@ordo/config';
import { createLogger } from '@ordo/logger';
import { startHost } from '../host/start-host.js';

/** How long shutdown may take before the process gives up on a clean close. */
export const SHUTDOWN_TIMEOUT_MS = 15_000;

function firstSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
}

export async function startCommand(env: Env = process.env): Promise<void> {
  const config = parseConfig(hostConfigSchema, env);
  const logger = createLogger({ level: config.logLevel, name: 'ordo' });

  // Listen for the signal before starting: a stop asked for during the first start (initdb
  // takes seconds) waits for it to finish, then closes, instead of killing it half-written.
  const stopRequested = firstSignal();
  const host = await startHost({ config, logger });
  const signal = await stopRequested;
  logger.info({ signal }, 'shutting down');

  // A second signal, or a close that hangs, must still end the process.
  const force = (reason: string) => {
    logger.error({ reason }, 'shutdown did not finish cleanly; exiting');
    process.exit(1);
  };
  process.once('SIGTERM', () => force('second SIGTERM'));
  process.once('SIGINT', () => force('second SIGINT'));
  setTimeout(() => force(`timed out after ${SHUTDOWN_TIMEOUT_MS} ms`), SHUTDOWN_TIMEOUT_MS).unref();

  await host.close();
  logger.info('stopped');
}

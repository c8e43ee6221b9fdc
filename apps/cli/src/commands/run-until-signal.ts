// How a long-running `ordo` command lives and ends: started, then closed on the first SIGTERM
// or SIGINT; a second signal, or a close that hangs, still ends the process.
import type { Logger } from '@ordo/logger';

/** How long shutdown may take before the process gives up on a clean close. */
export const SHUTDOWN_TIMEOUT_MS = 15_000;

function firstSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
}

export async function runUntilSignal(logger: Logger, start: () => Promise<{ close(): Promise<void> }>): Promise<void> {
  // Listen for the signal before starting: a stop asked for during the start (initdb or
  // migrations take seconds) waits for it to finish, then closes, instead of killing it half-written.
  const stopRequested = firstSignal();
  const running = await start();
  const signal = await stopRequested;
  logger.info({ signal }, 'shutting down');

  const force = (reason: string) => {
    logger.error({ reason }, 'shutdown did not finish cleanly; exiting');
    process.exit(1);
  };
  // `npm start` under a supervisor may pass one stop on twice (the supervisor signals the whole
  // process group, and npm forwards it too): a repeat within a second is the same request.
  const stoppingSince = Date.now();
  const onSecond = (name: NodeJS.Signals) => {
    if (Date.now() - stoppingSince < 1_000) {
      logger.debug({ signal: name }, 'repeated signal while shutting down; still shutting down');
      return;
    }
    force(`second ${name}`);
  };
  process.on('SIGTERM', onSecond);
  process.on('SIGINT', onSecond);
  setTimeout(() => force(`timed out after ${SHUTDOWN_TIMEOUT_MS} ms`), SHUTDOWN_TIMEOUT_MS).unref();

  await running.close();
  logger.info('stopped');
}

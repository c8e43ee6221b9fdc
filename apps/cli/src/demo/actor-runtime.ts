// What every simulated actor runs on: one abort signal that stops everything (sleeps and requests
// in flight alike), background work the simulator waits for on stop, and loops that survive any
// failure of one round. The API's refusals (a 409 after a race, a 422 before menus are known) are
// part of life here: logged at debug, and the actor carries on.
import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '@ordo/logger';
import { ApiError } from './api-client.js';

export interface ActorRuntime {
  readonly signal: AbortSignal;
  readonly random: () => number;
  readonly logger: Logger;
  /** Waits `ms`; rejects with an AbortError when the simulator stops. */
  sleep(ms: number): Promise<void>;
  /** A uniformly random whole number of milliseconds in `[min, max]`. */
  between(min: number, max: number): number;
  /** Runs `work` in the background; stop() waits for it. Its failure is reported, never thrown. */
  spawn(actor: string, work: () => Promise<void>): void;
  /** Runs `round` every `intervalMs` (after a random first wait, so actors do not poll in step) until stopped. */
  loop(actor: string, intervalMs: number, round: () => Promise<void>): void;
  /** Logs a failed step of an actor: at debug, or at warn for a demo account that cannot log in (once). */
  report(actor: string, error: unknown, doing: string): void;
  /** Aborts everything and resolves when all background work has ended. */
  stop(): Promise<void>;
}

export function createActorRuntime(options: { logger: Logger; random: () => number }): ActorRuntime {
  const { logger, random } = options;
  const controller = new AbortController();
  const { signal } = controller;
  // Every sleep and request in flight listens on this one signal: a few dozen at once is normal.
  setMaxListeners(1_000, signal);
  const running = new Set<Promise<void>>();
  const loginFailures = new Set<string>();
  let stopping: Promise<void> | undefined;

  const sleep = (ms: number) => delay(ms, undefined, { signal });
  const between = (min: number, max: number) => Math.round(min + (max - min) * random());

  const report = (actor: string, error: unknown, doing: string) => {
    if (signal.aborted) return; // stopping: requests and sleeps end with AbortErrors on purpose
    if (error instanceof ApiError) {
      const fields = { actor, status: error.status, code: error.code };
      if (error.request === 'POST /v1/auth/login' && !loginFailures.has(actor)) {
        loginFailures.add(actor);
        logger.warn(
          fields,
          `demo: ${actor} cannot log in (${error.status}); is demo-credentials.json from this data dir?`,
        );
        return;
      }
      logger.debug(fields, `demo: ${actor} could not ${doing}: ${error.message}`);
      return;
    }
    logger.debug({ actor, err: error }, `demo: ${actor} could not ${doing}`);
  };

  const spawn = (actor: string, work: () => Promise<void>) => {
    if (signal.aborted) return;
    const task = work().catch((error: unknown) => report(actor, error, 'finish its work'));
    running.add(task);
    void task.finally(() => running.delete(task));
  };

  const loop = (actor: string, intervalMs: number, round: () => Promise<void>) => {
    spawn(actor, async () => {
      await sleep(between(0, intervalMs)).catch(() => undefined);
      while (!signal.aborted) {
        await round().catch((error: unknown) => report(actor, error, 'do its round'));
        await sleep(intervalMs).catch(() => undefined);
      }
    });
  };

  const stop = () => {
    stopping ??= (async () => {
      controller.abort();
      // Work spawned by work that is ending is refused (the signal is aborted), so this drains.
      while (running.size > 0) await Promise.allSettled([...running]);
    })();
    return stopping;
  };

  return { signal, random, logger, sleep, between, spawn, loop, report, stop };
}

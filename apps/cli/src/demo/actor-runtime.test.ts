import { createHook } from 'node:async_hooks';
import { createLogger } from '@ordo/logger';
import { describe, expect, it, vi } from 'vitest';
import { createActorRuntime } from './actor-runtime.js';
import { ApiError } from './api-client.js';

function capturingLogger() {
  const records: Array<{ level: number; msg: string; actor?: string }> = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => records.push(JSON.parse(line)) },
  });
  return { logger, records };
}

/**
 * The live timers of `ms` milliseconds, followed from their creation: other timers of the process
 * (an earlier test file's pool, say) neither hide nor fake a leftover.
 */
function timersOf(ms: number): { readonly live: Set<number>; readonly stop: () => void } {
  const live = new Set<number>();
  const hook = createHook({
    init(id, type, _trigger, resource) {
      if (type === 'Timeout' && (resource as { _idleTimeout?: number })._idleTimeout === ms) live.add(id);
    },
    destroy(id) {
      live.delete(id);
    },
  }).enable();
  return { live, stop: () => hook.disable() };
}

describe('createActorRuntime', () => {
  it('when stopped while its actors sleep for an hour, then stop resolves, and no timer of theirs is left', async () => {
    const hourLong = timersOf(3_600_000);
    const { logger } = capturingLogger();
    const runtime = createActorRuntime({ logger, random: () => 0 });
    let rounds = 0;
    runtime.loop('sleeper', 3_600_000, async () => {
      rounds++;
    });
    runtime.spawn('napper', () => runtime.sleep(3_600_000));
    try {
      await vi.waitFor(() => expect(rounds).toBe(1));
      // The loop's next wait and the napper's sleep.
      await vi.waitFor(() => expect(hourLong.live.size).toBe(2));
      await expect(runtime.stop()).resolves.toBeUndefined();
      await vi.waitFor(() => expect(hourLong.live.size).toBe(0));
      await expect(runtime.stop()).resolves.toBeUndefined();
    } finally {
      hourLong.stop();
    }
  });

  it('when a round fails, then the failure is logged at debug and the loop carries on', async () => {
    const { logger, records } = capturingLogger();
    const runtime = createActorRuntime({ logger, random: () => 0 });
    let rounds = 0;
    runtime.loop('kitchen:a', 1, async () => {
      rounds++;
      if (rounds === 1)
        throw new ApiError(409, 'ORDO_ERR_RESTAURANT_ILLEGAL_TRANSITION', 'POST /v1/restaurant/tickets/t1/accept');
      if (rounds === 2) throw new Error('socket hang up');
    });
    await vi.waitFor(() => expect(rounds).toBeGreaterThanOrEqual(3));
    await runtime.stop();
    const failures = records.filter((r) => r.actor === 'kitchen:a');
    expect(failures.map((r) => r.level)).toEqual([20, 20]);
    expect(failures[0]!.msg).toContain('409 ORDO_ERR_RESTAURANT_ILLEGAL_TRANSITION');
  });

  it('when a demo account cannot log in, then a warning says so once, then debug', async () => {
    const { logger, records } = capturingLogger();
    const runtime = createActorRuntime({ logger, random: () => 0 });
    const refused = new ApiError(401, 'ORDO_ERR_AUTH_INVALID_CREDENTIALS', 'POST /v1/auth/login');
    runtime.report('courier:c1', refused, 'do its round');
    runtime.report('courier:c1', refused, 'do its round');
    expect(records.map((r) => r.level)).toEqual([40, 20]);
    await runtime.stop();
  });

  it('when background work fails while stopping, then nothing is logged and nothing is left unhandled', async () => {
    const { logger, records } = capturingLogger();
    const runtime = createActorRuntime({ logger, random: () => 0 });
    runtime.spawn('courier:c2', async () => {
      await runtime.sleep(3_600_000);
    });
    await runtime.stop();
    runtime.spawn('late', async () => {
      throw new Error('never runs');
    });
    expect(records).toEqual([]);
  });
});

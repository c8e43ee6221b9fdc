// The two demo switches every way of starting Ordo reads: ORDO_SEED (demo restaurants, menus,
// couriers and accounts) and ORDO_DEMO (simulated customers, kitchens and couriers). The traffic
// needs the data, so it follows ORDO_SEED unless set, and asking for traffic without data is an error.
import type { z } from 'zod';
import { envOnOff } from './env-types.js';

export const demoSwitchVariables = {
  ORDO_SEED: envOnOff().default(true),
  ORDO_DEMO: envOnOff().optional(),
};

interface DemoSwitchEnv {
  ORDO_SEED: boolean;
  ORDO_DEMO?: boolean | undefined;
}

/** For a schema's `superRefine`: reports ORDO_DEMO=on with ORDO_SEED=off. */
export function checkDemoSwitches(env: DemoSwitchEnv, ctx: z.RefinementCtx): void {
  if (env.ORDO_DEMO === true && !env.ORDO_SEED) {
    ctx.addIssue({
      code: 'custom',
      path: ['ORDO_DEMO'],
      message: 'the demo traffic needs the demo data: set ORDO_SEED=on or ORDO_DEMO=off',
    });
  }
}

export function demoSwitches(env: DemoSwitchEnv): { seed: boolean; demo: boolean } {
  return { seed: env.ORDO_SEED, demo: env.ORDO_DEMO ?? env.ORDO_SEED };
}

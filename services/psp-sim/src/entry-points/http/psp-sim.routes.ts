// All psp-sim routes as one Fastify plugin, mounted in the embedded host or in the
// simulator's own server. The provider routes and the admin routes are sibling plugins, so
// the fault hook covers the first only.
import type { FastifyPluginAsync } from 'fastify';
import type { FaultControl } from '../../use-cases/fault-control.js';
import type { PspSimUseCases } from '../../use-cases/psp-sim.use-cases.js';
import type { SimStats } from '../../use-cases/sim-stats.js';
import { adminRoutes } from './admin.routes.js';
import { chargeRoutes } from './charge.routes.js';
import type { FaultInjection } from './fault-injection.js';

export interface PspSimRoutesOptions {
  readonly useCases: PspSimUseCases;
  readonly injection: FaultInjection;
  readonly faults: FaultControl;
  readonly stats: SimStats;
  /** Called as the HTTP server starts closing, so hanging requests end instead of holding it open. */
  readonly onClose: () => void;
}

export function pspSimRoutes(options: PspSimRoutesOptions): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preClose', async () => options.onClose());
    await app.register(chargeRoutes({ useCases: options.useCases, faults: options.injection }));
    await app.register(adminRoutes({ faults: options.faults, stats: options.stats }));
  };
}

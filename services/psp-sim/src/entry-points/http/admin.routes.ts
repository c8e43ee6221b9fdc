// The simulator's control panel: read, replace and reset the faults; read and reset the
// counters. Never subject to the faults themselves, so an outage can always be ended.
import type { FastifyPluginAsync } from 'fastify';
import type { FaultControl } from '../../use-cases/fault-control.js';
import type { SimStats } from '../../use-cases/sim-stats.js';
import { faultSettingsInput, parseInput } from './request-schemas.js';

export interface AdminRoutesOptions {
  readonly faults: FaultControl;
  readonly stats: SimStats;
}

export function adminRoutes({ faults, stats }: AdminRoutesOptions): FastifyPluginAsync {
  return async (app) => {
    app.get('/psp/v1/admin/faults', async () => faults.settings());

    app.put('/psp/v1/admin/faults', async (request) =>
      faults.replace(parseInput(faultSettingsInput, request.body, 'body')),
    );

    app.delete('/psp/v1/admin/faults', async () => faults.reset());

    app.get('/psp/v1/admin/stats', async () => stats.snapshot());

    app.delete('/psp/v1/admin/stats', async () => {
      stats.reset();
      return stats.snapshot();
    });
  };
}

export { PSP_SIM_SCHEMA, pspSimMigrations } from './data-access/migrations.js';
export {
  type Charge,
  type ChargeOperation,
  ChargeStatus,
  type ChargeWithOperations,
  OperationKind,
} from './domain/charge.js';
export {
  DEFAULT_FAULT_SETTINGS,
  FailKind,
  type FaultKind,
  type FaultSettings,
  type Outage,
} from './domain/fault-settings.js';
export type { Sleep } from './entry-points/http/fault-injection.js';
export type { FaultSettingsInput } from './entry-points/http/request-schemas.js';
export {
  createPspSimService,
  type PspSimContext,
  type PspSimControl,
  type PspSimOptions,
  type PspSimService,
  type RunningPspSim,
  runPspSim,
} from './main.js';
export { type PspSimConfig, pspSimConfigSchema } from './psp-sim.config.js';
export type { SimStatsSnapshot } from './use-cases/sim-stats.js';

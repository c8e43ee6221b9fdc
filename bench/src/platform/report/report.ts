// The platform benchmark's result, as written to JSON: the machine, every setting, and each phase.
import type { MachineInfo } from '../../machine.js';
import type { PhaseResult } from '../load/phase-result.js';
import type { Cost } from '../meter/meter.js';
import type { BenchOptions, ShapeName } from '../options.js';
import type { SoakResult } from '../phases/soak.js';
import type { SweepResult } from '../phases/sweep.js';

export interface PlatformReport {
  benchmark: 'ordo platform';
  shape: ShapeName;
  description: string;
  at: string;
  machine: MachineInfo;
  settings: BenchOptions;
  /** How the driver learnt that sagas ended. */
  completion: { method: string; pollMs: number; reads: number; errors: string[] };
  couriers: { seeded: number; freedBetweenPhases: boolean };
  processes: Array<{ label: string; pid: number }>;
  natsPid: number | undefined;
  postmasterPid: number | undefined;
  /** The started shape with no load. */
  idle?: Cost;
  closedLoop?: PhaseResult;
  openLoop?: SweepResult;
  soak?: SoakResult;
}

/** Every load phase of the report, in the order they ran. */
export function phasesOf(report: PlatformReport): PhaseResult[] {
  return [
    ...(report.closedLoop ? [report.closedLoop] : []),
    ...(report.openLoop?.steps ?? []),
    ...(report.soak ? [report.soak.phase] : []),
  ];
}

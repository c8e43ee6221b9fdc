// What the use cases are built from; the composition root (main.ts) assembles it.
import type { Db } from '@ordo/db';
import type { FaultControl } from './fault-control.js';
import type { SimStats } from './sim-stats.js';

export interface PspSimDeps {
  readonly db: Db;
  readonly now: () => Date;
  readonly faults: FaultControl;
  readonly stats: SimStats;
}

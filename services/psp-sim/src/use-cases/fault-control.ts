// The simulator's current fault settings: set at construction (the baseline), replaced at
// runtime through the admin API, drawn from once per call. In memory, per process.
import { DEFAULT_FAULT_SETTINGS, drawFault, type FaultKind, type FaultSettings } from '../domain/fault-settings.js';

// A setting given as `undefined` means "not given", never "unset".
function defined(changes: Partial<FaultSettings>): Partial<FaultSettings> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
}

export class FaultControl {
  private readonly baseline: FaultSettings;
  private current: FaultSettings;

  constructor(
    initial: Partial<FaultSettings>,
    private readonly now: () => Date,
    private readonly random: () => number,
  ) {
    this.baseline = { ...DEFAULT_FAULT_SETTINGS, ...defined(initial) };
    this.current = this.baseline;
  }

  settings(): FaultSettings {
    return this.current;
  }

  /** The baseline with `changes` applied: settings not named go back to the baseline. */
  replace(changes: Partial<FaultSettings>): FaultSettings {
    this.current = { ...this.baseline, ...defined(changes) };
    return this.current;
  }

  reset(): FaultSettings {
    this.current = this.baseline;
    return this.current;
  }

  /** The fault for the call now starting, if any; uses up one `failNext`. */
  draw(): FaultKind | null {
    const { fault, settings } = drawFault(this.current, this.now(), this.random);
    this.current = settings;
    return fault;
  }
}

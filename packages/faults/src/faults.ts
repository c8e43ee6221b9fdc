// Named fault-injection points. Production code calls `faults.hit('relay.afterPublish')` at
// places where a crash matters; nothing happens unless a test (or the chaos suite) armed it.
import { AppError, Errors } from '@ordo/errors';

export type FaultAction =
  /** Throw an error at the point (an in-process crash of the current operation). */
  | { kind: 'throw' }
  /** Kill the process at once with SIGKILL: no cleanup, no flush, exactly like `kill -9`. */
  | { kind: 'exit' }
  /** Sleep before continuing. */
  | { kind: 'delay'; ms: number };

interface Armed {
  action: FaultAction;
  /** Remaining hits that fire; Infinity for every hit. */
  remaining: number;
  /** Hits to let pass before firing. */
  skip: number;
}

/** Thrown by a `throw` fault: callers under test treat it as a crash of the operation. */
export class InjectedFault extends AppError {
  constructor(readonly point: string) {
    super(Errors.FAULT_INJECTED, { message: `fault injected at ${point}` });
  }
}

export class Faults {
  private readonly armed = new Map<string, Armed>();
  private readonly counts = new Map<string, number>();

  arm(point: string, action: FaultAction, options: { times?: number; after?: number } = {}): void {
    this.armed.set(point, { action, remaining: options.times ?? Number.POSITIVE_INFINITY, skip: options.after ?? 0 });
  }

  disarm(point?: string): void {
    if (point === undefined) this.armed.clear();
    else this.armed.delete(point);
  }

  /** How many times the point was reached (armed or not). */
  count(point: string): number {
    return this.counts.get(point) ?? 0;
  }

  async hit(point: string): Promise<void> {
    this.counts.set(point, (this.counts.get(point) ?? 0) + 1);
    const armed = this.armed.get(point);
    if (!armed) return;
    if (armed.skip > 0) {
      armed.skip--;
      return;
    }
    if (armed.remaining <= 0) return;
    armed.remaining--;
    if (armed.remaining <= 0) this.armed.delete(point);
    switch (armed.action.kind) {
      case 'throw':
        throw new InjectedFault(point);
      case 'exit':
        process.kill(process.pid, 'SIGKILL');
        // SIGKILL is delivered asynchronously; never continue past the point.
        await new Promise(() => {});
        break;
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, (armed.action as { ms: number }).ms));
        break;
    }
  }

  /**
   * Arms points from a spec like `consumer.afterCommit=exit@3,relay.afterPublish=throw*10`:
   * `@N` fires on the N-th hit, `*N` fires N times. Used to arm child processes via env.
   */
  armFromSpec(spec: string | undefined): void {
    if (!spec) return;
    for (const part of spec
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const match = /^([\w.-]+)=(throw|exit|delay:(\d+))(?:@(\d+))?(?:\*(\d+))?$/.exec(part);
      if (!match) throw new Error(`bad fault spec: ${part}`);
      const [, point, kind, delayMs, at, times] = match;
      const action: FaultAction =
        kind === 'throw'
          ? { kind: 'throw' }
          : kind === 'exit'
            ? { kind: 'exit' }
            : { kind: 'delay', ms: Number(delayMs) };
      this.arm(point as string, action, {
        after: at ? Number(at) - 1 : 0,
        times: times ? Number(times) : at ? 1 : undefined,
      });
    }
  }
}

/** A fault registry that is never armed: the default for production wiring. */
export const noFaults = new Faults();

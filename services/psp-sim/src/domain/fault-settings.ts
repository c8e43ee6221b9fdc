// What the simulator does wrong on purpose, and the pure rule that picks the fault (if any)
// for one call. Randomness and time come in as arguments, so a test can fix both.

export const FailKind = {
  /** Answer 503 without doing anything. */
  ServerError: '5xx',
  /** Do the operation and commit, then drop the connection without answering. */
  Lost: 'lost',
  /** Hang without doing anything until the client gives up (or the hang ends), then drop the connection. */
  Timeout: 'timeout',
} as const;
export type FailKind = (typeof FailKind)[keyof typeof FailKind];

/** A fault that fired: one of the `failNext` kinds, or the outage. */
export type FaultKind = FailKind | 'outage';

export type Outage = { readonly active: true } | { readonly until: string };

export interface FaultSettings {
  /** Card tokens that are always declined. */
  readonly declineTokens: readonly string[];
  /** Added to every call before anything else happens. */
  readonly latencyMs: number;
  /** Share of calls (0–1) answered with a 503 without doing anything. */
  readonly errorRate: number;
  /** Share of calls (0–1) that do their work and commit, then drop the connection. */
  readonly lostResponseRate: number;
  /** While set (and `until` is in the future), every call is a 503. */
  readonly outage: Outage | null;
  /** The next `count` calls fail in this way, before any random fault is drawn. */
  readonly failNext: { readonly count: number; readonly kind: FailKind } | null;
}

export const DEFAULT_FAULT_SETTINGS: FaultSettings = {
  declineTokens: ['tok_declined'],
  latencyMs: 0,
  errorRate: 0,
  lostResponseRate: 0,
  outage: null,
  failNext: null,
};

export function outageActive(outage: Outage | null, now: Date): boolean {
  if (outage === null) return false;
  if ('active' in outage) return outage.active;
  return Date.parse(outage.until) > now.getTime();
}

export interface FaultDraw {
  /** The fault for this call, or null when the call goes through untouched. */
  readonly fault: FaultKind | null;
  /** The settings after the call (a `failNext` count used up). */
  readonly settings: FaultSettings;
}

/**
 * Picks the fault for one call. Precedence: an outage, then `failNext`, then the error
 * rate, then the lost-response rate. `random()` is only drawn for a rate above 0, so a
 * test that sets one rate knows how many draws each call takes.
 */
export function drawFault(settings: FaultSettings, now: Date, random: () => number): FaultDraw {
  if (outageActive(settings.outage, now)) return { fault: 'outage', settings };
  if (settings.failNext !== null && settings.failNext.count > 0) {
    const count = settings.failNext.count - 1;
    return {
      fault: settings.failNext.kind,
      settings: { ...settings, failNext: count > 0 ? { ...settings.failNext, count } : null },
    };
  }
  if (settings.errorRate > 0 && random() < settings.errorRate) return { fault: FailKind.ServerError, settings };
  if (settings.lostResponseRate > 0 && random() < settings.lostResponseRate) return { fault: FailKind.Lost, settings };
  return { fault: null, settings };
}

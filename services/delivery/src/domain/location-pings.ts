// The rules a batch of location pings must meet before it is published: in time order, none
// from the future (beyond a little clock skew), none too old to be worth showing.
import type { LocationPing } from '@ordo/contracts-delivery';
import { AppError, Errors } from '@ordo/errors';

/** A phone's clock may run this far ahead of ours. */
export const MAX_CLOCK_SKEW_MS = 5_000;
/** Pings older than this (a phone that was offline) are refused: the map has moved on. */
export const MAX_PING_AGE_MS = 10 * 60_000;

export function checkPings(pings: readonly LocationPing[], now: Date): void {
  const latest = now.getTime() + MAX_CLOCK_SKEW_MS;
  const oldest = now.getTime() - MAX_PING_AGE_MS;
  let previous = Number.NEGATIVE_INFINITY;
  pings.forEach((ping, index) => {
    const at = Date.parse(ping.at);
    const problem =
      at > latest
        ? 'is from the future'
        : at < oldest
          ? 'is too old'
          : at < previous
            ? 'is older than the one before it'
            : null;
    if (problem) {
      throw new AppError(Errors.TRACKING_PING_REJECTED, {
        message: `ping ${index} (${ping.at}) ${problem}`,
        details: { index, at: ping.at },
      });
    }
    previous = at;
  });
}

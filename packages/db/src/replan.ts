// When a connection throws its cached plans away (ADR 0027, amendment). A prepared statement is
// planned once per connection with the table sizes of that moment, and PostgreSQL plans it again
// only when the table's statistics change (ANALYZE, by autovacuum). A process started on empty
// tables would keep plans made for empty tables while they grow: a seq scan where an index now
// pays, run on every call. `DISCARD PLANS` keeps the prepared statements and makes the next run
// of each plan it again, with the sizes of then: soon after the connection opened, when tables
// grow fastest from nothing, then less and less often (each interval twice the last: 1, 3, 7, 15,
// 31, 63, 127, 255 s after opening, then every 5 minutes).

export interface ReplanOptions {
  /** After how long the connection's plans are first thrown away (default 1 s). */
  readonly firstMs?: number;
  /** The longest a plan is kept once the intervals, twice as long each time, reach it (default 5 min). */
  readonly maxMs?: number;
}

export const DISCARD_PLANS = 'DISCARD PLANS';

/** One connection's schedule: `due()` says, when asked before a statement, whether to replan first. */
export class ReplanSchedule {
  private readonly firstMs: number;
  private readonly maxMs: number;
  private discarded = 0;
  private next: number;

  constructor(
    options: ReplanOptions = {},
    private readonly now: () => number = () => Date.now(),
  ) {
    this.firstMs = options.firstMs ?? 1_000;
    this.maxMs = options.maxMs ?? 300_000;
    this.next = now() + this.firstMs;
  }

  /** Whether the plans are due to be thrown away now; if so, the next time is set. */
  due(): boolean {
    const now = this.now();
    if (now < this.next) return false;
    this.discarded += 1;
    this.next = now + Math.min(this.maxMs, this.firstMs * 2 ** this.discarded);
    return true;
  }
}

// Knows which placed orders are still in flight and settles each one when its saga ends: one
// status source is asked about all of them together, every `pollMs`, and only while any are
// pending, so watching adds one cheap read per interval however many orders are in flight.
import { setTimeout as delay } from 'node:timers/promises';
import { OrderStatus } from '@ordo/contracts-order';

export interface PendingOrder {
  id: string;
  /** When the POST was sent (epoch ms, this machine's clock). */
  sentAtMs: number;
  /** Which customer placed it, and their how-manieth order it was (1-based). */
  customer: number;
  seq: number;
}

export interface StatusRow {
  id: string;
  status: string;
  reason: string | null;
  /** When the order reached that status (epoch ms, from its `updated_at`). */
  updatedAtMs: number;
}

/** Where settled statuses are read from: the order table (Postgres shapes) or the API (embedded). */
export interface StatusSource {
  readonly description: string;
  /** Statements run on the run's databases so far (subtracted from its transaction count). */
  readonly statements: number;
  /** Rows for the orders in `pending` that have left APPROVAL_PENDING. */
  read(pending: ReadonlyMap<string, PendingOrder>, latestSeq: (customer: number) => number): Promise<StatusRow[]>;
  close(): Promise<void>;
}

export interface Outcome {
  id: string;
  sentAtMs: number;
  /** The order's final status, or UNFINISHED when the benchmark stopped waiting. */
  status: string;
  reason: string | null;
  /** When it settled (epoch ms); undefined when unfinished. */
  settledAtMs: number | undefined;
}

export const UNFINISHED = 'UNFINISHED';

export class OrderTracker {
  private readonly pending = new Map<string, PendingOrder & { settle: (o: Outcome) => void }>();
  private readonly placed = new Map<number, number>();
  private wake: (() => void) | undefined;
  private running = true;
  private readonly loop: Promise<void>;
  /** Read errors, kept for the report (the loop carries on). */
  readonly errors: string[] = [];
  reads = 0;

  constructor(
    private readonly source: StatusSource,
    private readonly pollMs: number,
  ) {
    this.loop = this.run();
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Starts watching an accepted order; resolves when it settles (or is abandoned). */
  track(id: string, sentAtMs: number, customer: number): Promise<Outcome> {
    const seq = (this.placed.get(customer) ?? 0) + 1;
    this.placed.set(customer, seq);
    return new Promise<Outcome>((settle) => {
      this.pending.set(id, { id, sentAtMs, customer, seq, settle });
      this.wake?.();
    });
  }

  /** Settles every order still pending as UNFINISHED. */
  abandonAll(): void {
    for (const p of this.pending.values()) {
      p.settle({ id: p.id, sentAtMs: p.sentAtMs, status: UNFINISHED, reason: null, settledAtMs: undefined });
    }
    this.pending.clear();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.abandonAll();
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.pending.size === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
        continue;
      }
      const started = Date.now();
      try {
        this.reads++;
        const rows = await this.source.read(this.pending, (c) => this.placed.get(c) ?? 0);
        for (const row of rows) {
          const p = this.pending.get(row.id);
          if (!p || row.status === OrderStatus.ApprovalPending) continue;
          this.pending.delete(row.id);
          p.settle({
            id: p.id,
            sentAtMs: p.sentAtMs,
            status: row.status,
            reason: row.reason,
            settledAtMs: row.updatedAtMs,
          });
        }
      } catch (error) {
        if (this.errors.length < 20) this.errors.push((error as Error).message);
      }
      await delay(Math.max(1, this.pollMs - (Date.now() - started)));
    }
  }
}

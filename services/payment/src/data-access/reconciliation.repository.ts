// Stores reconciliation reports (`reconciliation_runs`) so operators can see the last ones.
import { ident, type SqlExecutor } from '@ordo/db';

export interface StoredRun {
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly requestedBy: string;
  readonly chargesChecked: number;
  readonly paymentsChecked: number;
  readonly mismatchCount: number;
  readonly report: unknown;
}

export class ReconciliationRepository {
  private readonly table: string;

  constructor(schema: string) {
    this.table = `${ident(schema)}.reconciliation_runs`;
  }

  async insert(db: SqlExecutor, run: StoredRun): Promise<number> {
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO ${this.table} (started_at, finished_at, requested_by, charges_checked, payments_checked,
                                  mismatch_count, report)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        run.startedAt,
        run.finishedAt,
        run.requestedBy,
        run.chargesChecked,
        run.paymentsChecked,
        run.mismatchCount,
        JSON.stringify(run.report),
      ],
    );
    return Number(rows[0]!.id);
  }
}

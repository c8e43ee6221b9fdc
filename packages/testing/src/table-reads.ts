// How a table was read inside a transaction, for tests that a statement looks rows up by key
// instead of reading the whole table (the plans of ADR 0027).
import type { SqlExecutor } from '@ordo/db';

export interface TableReads {
  readonly seqScans: number;
  readonly indexScans: number;
}

/**
 * The sequential and index scans of `table` not yet reported by this connection
 * (`pg_stat_xact_user_tables`: this transaction's, and earlier ones' on it). Read before and after
 * the statements under test, in the same transaction; Postgres only.
 */
export async function tableReads(tx: SqlExecutor, table: string): Promise<TableReads> {
  const { rows } = await tx.query<{ seq_scan: string; idx_scan: string | null }>(
    'SELECT seq_scan, idx_scan FROM pg_stat_xact_user_tables WHERE relid = $1::regclass',
    [table],
  );
  const row = rows[0];
  if (!row) throw new Error(`no table ${table}`);
  return { seqScans: Number(row.seq_scan), indexScans: Number(row.idx_scan ?? 0) };
}

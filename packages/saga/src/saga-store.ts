// Data access for the saga tables. Every write takes the caller's transaction: the engine saves
// an instance, its log entries and its outgoing commands in one commit.
import { ident, type SqlExecutor } from '@ordo/db';
import type { SagaStatus } from './saga-status.js';
import {
  INSTANCE_COLUMNS,
  type NewStepLogEntry,
  rowToLogEntry,
  rowToState,
  type SagaInstanceRow,
  type SagaState,
  type StepLogEntry,
  type StepLogRow,
} from './saga-tables.js';

export interface ListQuery {
  readonly status?: SagaStatus;
  /** Default 50, at most 500. */
  readonly limit?: number;
  /** Keyset cursor: the last id of the previous page. */
  readonly afterId?: string;
}

export class SagaStore {
  private readonly instances: string;
  private readonly log: string;

  /** The instance update of a transition; parameters from `updateParams`. */
  private readonly updateSql: string;

  constructor(schema: string) {
    this.instances = `${ident(schema)}.saga_instances`;
    this.log = `${ident(schema)}.saga_step_log`;
    this.updateSql = `UPDATE ${this.instances} SET status = $2, step_index = $3, phase = $4, data = $5::text::jsonb,
      attempt = $6, deadline_at = $7, waiting_for_command_id = $8, last_error = $9, updated_at = $10,
      compensation_reason = $11
      WHERE id = $1`;
  }

  /** Inserts a new instance; false when the id is taken (nothing is written then). */
  async insert(tx: SqlExecutor, state: SagaState): Promise<boolean> {
    const { rows } = await tx.query(
      `INSERT INTO ${this.instances} (${INSTANCE_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        state.id,
        state.sagaName,
        state.version,
        state.status,
        state.stepIndex,
        state.phase,
        JSON.stringify(state.data),
        state.attempt,
        state.deadlineAt,
        state.waitingForCommandId,
        state.lastError,
        state.compensationReason,
        state.correlationId,
        state.createdAt,
        state.updatedAt,
      ],
      { prepare: true },
    );
    return rows.length === 1;
  }

  /** Locks and reads an instance for a transition; waits for a transition already holding it. */
  async lock(tx: SqlExecutor, id: string): Promise<SagaState | undefined> {
    const { rows } = await tx.query<SagaInstanceRow>(
      `SELECT ${INSTANCE_COLUMNS} FROM ${this.instances} WHERE id = $1 FOR UPDATE`,
      [id],
      { prepare: true },
    );
    return rows[0] && rowToState(rows[0]);
  }

  /** Locks an instance whose deadline passed at `now`, unless another transition holds it. */
  async lockDue(tx: SqlExecutor, id: string, now: Date): Promise<SagaState | undefined> {
    const { rows } = await tx.query<SagaInstanceRow>(
      `SELECT ${INSTANCE_COLUMNS} FROM ${this.instances}
       WHERE id = $1 AND deadline_at <= $2 FOR UPDATE SKIP LOCKED`,
      [id, now],
      { prepare: true },
    );
    return rows[0] && rowToState(rows[0]);
  }

  /** Ids of instances whose deadline passed, earliest first. */
  async dueIds(executor: SqlExecutor, now: Date, limit: number): Promise<string[]> {
    const { rows } = await executor.query<{ id: string }>(
      `SELECT id FROM ${this.instances} WHERE deadline_at <= $1 ORDER BY deadline_at LIMIT $2`,
      [now, limit],
      { prepare: true },
    );
    return rows.map((r) => r.id);
  }

  async save(tx: SqlExecutor, state: SagaState): Promise<void> {
    await tx.query(this.updateSql, updateParams(state), { prepare: true });
  }

  /**
   * `save` and `append` in one statement (one round trip instead of two), for the transitions
   * that change the instance and log something, which is nearly all of them.
   */
  async saveWithLog(tx: SqlExecutor, state: SagaState, at: Date, entries: readonly NewStepLogEntry[]): Promise<void> {
    if (entries.length === 0) {
      await this.save(tx, state);
      return;
    }
    await tx.query(
      `WITH saved AS (${this.updateSql})
       INSERT INTO ${this.log} (saga_id, step, action, command_id, detail, at)
       SELECT $1, step, action, command_id, detail::jsonb, $12
       FROM unnest($13::text[], $14::text[], $15::text[], $16::text[]) WITH ORDINALITY AS e(step, action, command_id, detail, ord)
       ORDER BY ord`,
      [
        ...updateParams(state),
        at,
        entries.map((e) => e.step),
        entries.map((e) => e.action),
        entries.map((e) => e.commandId),
        entries.map((e) => JSON.stringify(e.detail)),
      ],
      { prepare: true },
    );
  }

  /**
   * Moves a deadline that could not be processed (the transition threw) out by `delayMs`, with
   * the error, unless the instance moved on meanwhile. Outside any transition: state is untouched.
   */
  async deferDeadline(executor: SqlExecutor, id: string, due: Date, next: Date, error: string): Promise<void> {
    await executor.query(
      `UPDATE ${this.instances} SET deadline_at = $3, last_error = $4 WHERE id = $1 AND deadline_at = $2`,
      [id, due, next, error.slice(0, 2_000)],
    );
  }

  /** Appends entries in order (one statement). */
  async append(tx: SqlExecutor, sagaId: string, at: Date, entries: readonly NewStepLogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await tx.query(
      `INSERT INTO ${this.log} (saga_id, step, action, command_id, detail, at)
       SELECT $1, step, action, command_id, detail::jsonb, $2
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS e(step, action, command_id, detail, ord)
       ORDER BY ord`,
      [
        sagaId,
        at,
        entries.map((e) => e.step),
        entries.map((e) => e.action),
        entries.map((e) => e.commandId),
        entries.map((e) => JSON.stringify(e.detail)),
      ],
      { prepare: true },
    );
  }

  async find(executor: SqlExecutor, id: string): Promise<SagaState | undefined> {
    const { rows } = await executor.query<SagaInstanceRow>(
      `SELECT ${INSTANCE_COLUMNS} FROM ${this.instances} WHERE id = $1`,
      [id],
      { prepare: true },
    );
    return rows[0] && rowToState(rows[0]);
  }

  async logOf(executor: SqlExecutor, id: string): Promise<StepLogEntry[]> {
    const { rows } = await executor.query<StepLogRow>(
      `SELECT id, saga_id, step, action, command_id, detail, at FROM ${this.log} WHERE saga_id = $1 ORDER BY id`,
      [id],
    );
    return rows.map(rowToLogEntry);
  }

  /** A page of instances by id, optionally of one status. */
  async list(executor: SqlExecutor, query: ListQuery): Promise<SagaState[]> {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
    const { rows } = await executor.query<SagaInstanceRow>(
      `SELECT ${INSTANCE_COLUMNS} FROM ${this.instances}
       WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR id > $2)
       ORDER BY id LIMIT $3`,
      [query.status ?? null, query.afterId ?? null, limit],
    );
    return rows.map(rowToState);
  }

  /** Name and version of every instance that may still move (not final). */
  async liveVersions(executor: SqlExecutor): Promise<Array<{ sagaName: string; version: number; count: number }>> {
    const { rows } = await executor.query<{ saga_name: string; version: number; count: number }>(
      `SELECT saga_name, version, count(*)::int AS count FROM ${this.instances}
       WHERE status NOT IN ('COMPLETED', 'COMPENSATED', 'RESOLVED')
       GROUP BY saga_name, version ORDER BY saga_name, version`,
    );
    return rows.map((r) => ({ sagaName: r.saga_name, version: r.version, count: r.count }));
  }
}

/** Parameters $1–$11 of `SagaStore.updateSql`. */
function updateParams(state: SagaState): unknown[] {
  return [
    state.id,
    state.status,
    state.stepIndex,
    state.phase,
    JSON.stringify(state.data),
    state.attempt,
    state.deadlineAt,
    state.waitingForCommandId,
    state.lastError,
    state.updatedAt,
    state.compensationReason,
  ];
}

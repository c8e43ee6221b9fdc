// The saga tables typed in one place: their rows as the database returns them, and the shapes
// the engine and its callers work with.
import type { SagaPhase, SagaStatus, StepAction } from './saga-status.js';

export type SagaData = Readonly<Record<string, unknown>>;

export interface SagaInstanceRow {
  id: string;
  saga_name: string;
  version: number;
  status: SagaStatus;
  step_index: number;
  phase: SagaPhase;
  data: SagaData;
  attempt: number;
  deadline_at: Date | null;
  waiting_for_command_id: string | null;
  last_error: string | null;
  compensation_reason: string | null;
  correlation_id: string;
  created_at: Date;
  updated_at: Date;
}

export const INSTANCE_COLUMNS =
  'id, saga_name, version, status, step_index, phase, data, attempt, deadline_at, waiting_for_command_id, ' +
  'last_error, compensation_reason, correlation_id, created_at, updated_at';

export interface StepLogRow {
  id: number;
  saga_id: string;
  step: string | null;
  action: StepAction;
  command_id: string | null;
  detail: Record<string, unknown>;
  at: Date;
}

/** One saga instance; the engine mutates its working copy during a transition, then saves it. */
export interface SagaState {
  readonly id: string;
  readonly sagaName: string;
  readonly version: number;
  status: SagaStatus;
  /** The step being carried out (forward) or undone (compensating). */
  stepIndex: number;
  phase: SagaPhase;
  data: SagaData;
  /** Sends of the current command so far. */
  attempt: number;
  deadlineAt: Date | null;
  /** The command whose reply moves the saga on; any other reply is ignored. */
  waitingForCommandId: string | null;
  lastError: string | null;
  /** Why compensation started; kept when a failing compensation step overwrites `lastError`. */
  compensationReason: string | null;
  readonly correlationId: string;
  readonly createdAt: Date;
  updatedAt: Date;
}

/** An instance as queries return it, with the name of its current step. */
export interface SagaInstance extends Readonly<SagaState> {
  /** Undefined when the instance's version is not registered in this process. */
  readonly step: string | undefined;
}

export interface StepLogEntry {
  readonly id: number;
  readonly sagaId: string;
  readonly step: string | null;
  readonly action: StepAction;
  readonly commandId: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly at: Date;
}

/** A log entry made during a transition; id, saga and time are added when it is saved. */
export type NewStepLogEntry = Pick<StepLogEntry, 'step' | 'action' | 'commandId' | 'detail'>;

export interface SagaDetails extends SagaInstance {
  readonly log: readonly StepLogEntry[];
}

export function rowToState(row: SagaInstanceRow): SagaState {
  return {
    id: row.id,
    sagaName: row.saga_name,
    version: row.version,
    status: row.status,
    stepIndex: row.step_index,
    phase: row.phase,
    data: row.data,
    attempt: row.attempt,
    deadlineAt: row.deadline_at,
    waitingForCommandId: row.waiting_for_command_id,
    lastError: row.last_error,
    compensationReason: row.compensation_reason,
    correlationId: row.correlation_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function rowToLogEntry(row: StepLogRow): StepLogEntry {
  return {
    id: row.id,
    sagaId: row.saga_id,
    step: row.step,
    action: row.action,
    commandId: row.command_id,
    detail: row.detail,
    at: row.at,
  };
}

// What an operator can do with a parked saga, each in one transaction and recorded in the step
// log with the operator's note: retry the parked command (under a new command id, attempts reset),
// skip it (treat it as done and carry on), or resolve the saga (close it as handled by hand).
import { AppError, Errors } from '@ordo/errors';
import { type EngineContext, openTransition, saveTransition, toInstance } from './engine-context.js';
import { parkedStatuses, SagaPhase, StepAction } from './saga-status.js';
import type { SagaInstance } from './saga-tables.js';
import type { Transition } from './transitions.js';

export const OperatorAction = {
  Retry: 'retry',
  Skip: 'skip',
  Resolve: 'resolve',
} as const;
export type OperatorAction = (typeof OperatorAction)[keyof typeof OperatorAction];

const MAX_NOTE = 2_000;

export class OperatorActions {
  constructor(private readonly engine: EngineContext) {}

  /**
   * Sends the parked step's (or compensation's) command again under a new command id (the
   * participant decided the old one already), or re-runs a parked local step.
   */
  retry(sagaId: string, note?: string): Promise<SagaInstance> {
    return this.act(sagaId, OperatorAction.Retry, note, async (t) => {
      t.record(StepAction.OperatorRetry, noteDetail(note));
      t.startNewCommandRound();
      const { phase, stepIndex } = t.state;
      if (phase === SagaPhase.Forward) await t.advanceFrom(stepIndex);
      else await t.compensateFrom(stepIndex);
    });
  }

  /** Treats the parked step (or compensation) as done and carries on from the next one. */
  skip(sagaId: string, note?: string): Promise<SagaInstance> {
    return this.act(sagaId, OperatorAction.Skip, note, async (t) => {
      t.record(StepAction.OperatorSkip, noteDetail(note), t.state.waitingForCommandId);
      const { phase, stepIndex } = t.state;
      if (phase === SagaPhase.Forward) await t.advanceFrom(stepIndex + 1);
      else await t.compensateFrom(stepIndex - 1);
    });
  }

  /** Closes the saga as RESOLVED; the note says what the operator did about it. */
  resolve(sagaId: string, note: string): Promise<SagaInstance> {
    if (typeof note !== 'string' || note.trim() === '') {
      return Promise.reject(
        new AppError(Errors.VALIDATION, { message: 'resolving a saga needs a note', details: { field: 'note' } }),
      );
    }
    return this.act(sagaId, OperatorAction.Resolve, note, async (t) => {
      t.record(StepAction.OperatorResolve, { ...noteDetail(note), status: t.state.status });
      t.resolve();
    });
  }

  private act(
    sagaId: string,
    action: OperatorAction,
    note: string | undefined,
    apply: (transition: Transition) => Promise<void>,
  ): Promise<SagaInstance> {
    if (note !== undefined && note.length > MAX_NOTE) {
      return Promise.reject(
        new AppError(Errors.VALIDATION, { message: `the note is longer than ${MAX_NOTE} characters` }),
      );
    }
    const { engine } = this;
    return engine.db.transaction(async (tx) => {
      const state = await engine.store.lock(tx, sagaId);
      if (!state) throw new AppError(Errors.SAGA_NOT_FOUND, { details: { sagaId } });
      if (!parkedStatuses.has(state.status)) {
        throw new AppError(Errors.SAGA_ILLEGAL_ACTION, {
          message: `cannot ${action} saga ${sagaId}: it is ${state.status}`,
          details: { sagaId, action, status: state.status },
        });
      }
      const transition = openTransition(engine, tx, state, { localErrors: 'fail-step' });
      await apply(transition);
      await saveTransition(engine, tx, transition);
      engine.logger.info({ sagaId, action, status: transition.state.status, note }, 'saga operator action');
      return toInstance(engine.registry, transition.state);
    });
  }
}

function noteDetail(note: string | undefined): Record<string, unknown> {
  return note === undefined ? {} : { note };
}

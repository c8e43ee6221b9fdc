// One transition of one locked saga instance: run local steps, send the next command, start or
// continue the compensation stack (completed steps undone in reverse), park, or finish. It only
// collects what changed; the engine saves state, log entries and commands in one transaction.
import type { Settled, SqlExecutor } from '@ordo/db';
import { AppError, Errors, errorMessage, isAppError } from '@ordo/errors';
import type { OutgoingMessage } from '@ordo/outbox';
import {
  isRemoteStep,
  type LocalStepContext,
  type RemoteStep,
  type SagaCommand,
  type SagaDefinition,
  type SagaReplyPayload,
  type StepDeadline,
} from './definition.js';
import { CommandKind, commandIdFor, commandMessage, type MessageCause } from './protocol.js';
import { parkedStatuses, SagaPhase, SagaStatus, StepAction } from './saga-status.js';
import type { NewStepLogEntry, SagaData, SagaState } from './saga-tables.js';

export interface TransitionContext {
  readonly tx: SqlExecutor;
  readonly now: Date;
  readonly definition: SagaDefinition;
  /** The reply that caused the transition, if any: commands sent now are caused by it. */
  readonly cause?: MessageCause;
  /**
   * `propagate` (start): a local step's error fails the caller's use case. `fail-step`: the
   * step's savepoint is rolled back and the saga compensates or parks.
   */
  readonly localErrors: 'propagate' | 'fail-step';
}

/** Log actions about the whole saga rather than one step. */
const sagaWide: ReadonlySet<StepAction> = new Set([
  StepAction.Started,
  StepAction.ReplyIgnored,
  StepAction.Completed,
  StepAction.Compensated,
]);

export class Transition {
  private newRound = false;
  readonly log: NewStepLogEntry[] = [];
  readonly messages: OutgoingMessage[] = [];
  /** Whether the instance row must be saved (an ignored reply only adds a log entry). */
  changed = false;

  constructor(
    readonly state: SagaState,
    private readonly ctx: TransitionContext,
  ) {}

  get now(): Date {
    return this.ctx.now;
  }

  private get steps() {
    return this.ctx.definition.steps;
  }

  private get stepName(): string | null {
    return this.steps[this.state.stepIndex]?.name ?? null;
  }

  record(action: StepAction, detail: Record<string, unknown> = {}, commandId: string | null = null): void {
    const step = sagaWide.has(action) ? null : this.stepName;
    this.log.push({ step, action, commandId, detail });
  }

  /** Runs steps from `index` on: local ones here, up to the next remote step, whose command goes out. */
  async advanceFrom(index: number): Promise<void> {
    const { state } = this;
    this.touch();
    this.clearWait();
    state.phase = SagaPhase.Forward;
    state.status = SagaStatus.Running;
    for (let i = index; i < this.steps.length; i++) {
      state.stepIndex = i;
      const step = this.steps[i]!;
      if (isRemoteStep(step)) return this.sendCurrent(1);
      const result = await this.runLocal(() => step.run(this.localContext()));
      if (!result.ok) {
        const reason = `${step.name} failed: ${errorMessage(result.error)}`;
        this.record(StepAction.StepFailed, { error: errorMessage(result.error) });
        if (i > this.ctx.definition.lastCompensable) return this.park(SagaStatus.ForwardFailed, reason);
        return this.beginCompensation(i - 1, reason);
      }
      state.data = result.value as SagaData;
      this.record(StepAction.LocalStepRun);
    }
    state.status = SagaStatus.Completed;
    this.record(StepAction.Completed);
  }

  /**
   * Starts undoing steps from `index` down: the step before a failed one (a participant that said
   * no did nothing), or the timed-out step itself (its outcome is unknown).
   */
  async beginCompensation(index: number, reason: string): Promise<void> {
    this.touch();
    this.state.lastError = reason;
    this.state.compensationReason = reason;
    this.record(StepAction.CompensationStarted, { reason });
    await this.compensateFrom(index);
  }

  /** Pops the compensation stack from `index` down, skipping steps with nothing to undo. */
  async compensateFrom(index: number): Promise<void> {
    const { state } = this;
    this.touch();
    this.clearWait();
    state.phase = SagaPhase.Compensating;
    state.status = SagaStatus.Compensating;
    for (let i = index; i >= 0; i--) {
      state.stepIndex = i;
      const step = this.steps[i]!;
      if (isRemoteStep(step)) {
        const command = step.compensate?.(state.data);
        if (command) return this.send(step, command, 1);
        continue;
      }
      if (!step.compensate) continue;
      const compensate = step.compensate.bind(step);
      const result = await this.runLocal(() => compensate(this.localContext()));
      if (!result.ok) {
        this.record(StepAction.StepFailed, { error: errorMessage(result.error) });
        return this.park(
          SagaStatus.CompensationFailed,
          `compensation of ${step.name} failed: ${errorMessage(result.error)}`,
        );
      }
      this.record(StepAction.LocalCompensationRun);
    }
    state.stepIndex = 0;
    state.status = SagaStatus.Compensated;
    this.record(StepAction.Compensated);
  }

  /** A reply: moves on if it answers the awaited command, else it is only logged. */
  async onReply(type: string, reply: SagaReplyPayload): Promise<void> {
    const { state } = this;
    if (state.waitingForCommandId === null || state.waitingForCommandId !== reply.commandId) {
      this.record(
        StepAction.ReplyIgnored,
        { type, status: state.status, waitingFor: state.waitingForCommandId },
        reply.commandId,
      );
      return;
    }
    const step = this.remoteStep();
    const forward = state.phase === SagaPhase.Forward;
    const handler = (forward ? step.onReply : step.onCompensationReply)?.[type];
    if (!handler) {
      throw new AppError(Errors.SAGA_UNEXPECTED_REPLY, {
        message: `${step.name} (${state.phase}) of saga ${state.id} has no handler for ${type}`,
        details: { sagaId: state.id, step: step.name, type },
      });
    }
    const outcome = handler(state.data, reply);
    const action = forward ? StepAction.ReplyReceived : StepAction.CompensationReplyReceived;
    if ('next' in outcome) {
      this.record(action, { type }, reply.commandId);
      state.data = outcome.next as SagaData;
      return forward ? this.advanceFrom(state.stepIndex + 1) : this.compensateFrom(state.stepIndex - 1);
    }
    this.record(action, { type, fail: outcome.fail }, reply.commandId);
    // Parked on this very command already (a repeated failure reply): nothing changes.
    if (parkedStatuses.has(state.status)) return;
    // A participant decides a command id once, so re-sending it would only repeat the decision.
    const reason = `${step.name}${forward ? '' : ' compensation'} failed: ${outcome.fail}`;
    if (!forward) return this.park(SagaStatus.CompensationFailed, reason);
    if (state.stepIndex > this.ctx.definition.lastCompensable) return this.park(SagaStatus.ForwardFailed, reason);
    return this.beginCompensation(state.stepIndex - 1, reason);
  }

  /** The awaited reply did not come in time: send again, or give up on the command. */
  async onDeadline(): Promise<void> {
    const { state } = this;
    const step = this.remoteStep();
    const deadline = this.deadlineOf(step);
    this.touch();
    this.record(StepAction.DeadlinePassed, { attempt: state.attempt }, state.waitingForCommandId);
    if (state.attempt < deadline.maxAttempts) return this.sendCurrent(state.attempt + 1);
    const forward = state.phase === SagaPhase.Forward;
    const reason = `${step.name}${forward ? '' : ' compensation'} got no reply after ${state.attempt} attempt(s)`;
    if (!forward) return this.park(SagaStatus.CompensationFailed, reason);
    if (state.stepIndex > this.ctx.definition.lastCompensable) return this.park(SagaStatus.ForwardFailed, reason);
    // The participant may have acted on a command whose reply never came: undo this step too.
    return this.beginCompensation(state.stepIndex, reason);
  }

  /** Stops automatic progress; an operator retries, skips or resolves. */
  park(status: typeof SagaStatus.ForwardFailed | typeof SagaStatus.CompensationFailed, reason: string): void {
    this.touch();
    this.state.status = status;
    this.state.lastError = reason;
    // The awaited command id is kept: its reply, if it still comes, moves the saga on.
    this.state.deadlineAt = null;
    this.record(StepAction.Parked, { status, reason });
  }

  resolve(): void {
    this.touch();
    this.clearWait();
    this.state.status = SagaStatus.Resolved;
  }

  /** (Re)sends the current remote step's command or compensation with the same command id. */
  async sendCurrent(attempt: number): Promise<void> {
    const { state } = this;
    const step = this.remoteStep();
    if (state.phase === SagaPhase.Forward) return this.send(step, step.invoke(state.data), attempt);
    const command = step.compensate?.(state.data);
    if (command) return this.send(step, command, attempt);
    // Nothing to undo for this data after all.
    return this.compensateFrom(state.stepIndex - 1);
  }

  /**
   * The next command goes out under a new id. An operator's retry needs it: a participant
   * decides each command id once, so re-sending the id it already refused would only bring the
   * same refusal back.
   */
  startNewCommandRound(): void {
    this.newRound = true;
  }

  private send(step: RemoteStep<object>, command: SagaCommand, attempt: number): void {
    const { state } = this;
    const forward = state.phase === SagaPhase.Forward;
    const base = commandIdFor(state.id, step.name, forward ? CommandKind.Invoke : CommandKind.Compensate);
    // A re-send (deadline) keeps the id the saga waits for, which may carry an operator's round.
    const commandId = this.newRound
      ? `${base}:op${this.now.getTime()}`
      : state.waitingForCommandId?.startsWith(base)
        ? state.waitingForCommandId
        : base;
    this.newRound = false;
    this.messages.push(
      commandMessage(command, {
        sagaId: state.id,
        commandId,
        correlationId: state.correlationId,
        cause: this.ctx.cause,
      }),
    );
    this.touch();
    state.attempt = attempt;
    state.waitingForCommandId = commandId;
    state.deadlineAt = new Date(this.now.getTime() + this.deadlineOf(step).timeoutMs);
    this.record(
      forward ? StepAction.CommandSent : StepAction.CompensationSent,
      { type: command.type, attempt },
      commandId,
    );
  }

  private deadlineOf(step: RemoteStep<object>): StepDeadline {
    if (this.state.phase === SagaPhase.Forward) return step.deadline;
    return step.compensationDeadline ?? step.deadline;
  }

  private remoteStep(): RemoteStep<object> {
    const step = this.steps[this.state.stepIndex];
    if (!step || !isRemoteStep(step)) {
      throw new Error(`saga ${this.state.id} waits at step ${this.state.stepIndex}, which is not a remote step`);
    }
    return step;
  }

  private localContext(): LocalStepContext<object> {
    const { state } = this;
    // The reason compensation began, not a later compensation failure an operator retried past.
    const failure = state.phase === SagaPhase.Compensating ? (state.compensationReason ?? state.lastError) : null;
    return { tx: this.ctx.tx, data: state.data, sagaId: state.id, failure };
  }

  /**
   * Runs a local step under a savepoint (`SqlExecutor.savepoint`), so a failed step leaves nothing
   * behind: neither its writes nor the messages it left for the commit. The savepoint goes out with
   * the step's first statements (one round trip on a pipelining connection) and is never released.
   * A savepoint that failed is the transaction's failure, never the step's.
   */
  private async runLocal<T>(fn: () => Promise<T>): Promise<Settled<T>> {
    if (this.ctx.localErrors === 'propagate') return { ok: true, value: await fn() };
    const { tx } = this.ctx;
    if (!tx.savepoint) throw new Error('a local saga step needs a transaction with savepoints (Db.transaction)');
    const result = await tx.savepoint(fn);
    // Transient (a retryable AppError): the whole transition rolls back and is tried again.
    if (!result.ok && isAppError(result.error) && result.error.retryable) throw result.error;
    return result;
  }

  private clearWait(): void {
    this.state.attempt = 0;
    this.state.deadlineAt = null;
    this.state.waitingForCommandId = null;
  }

  private touch(): void {
    this.changed = true;
    this.state.updatedAt = this.now;
  }
}

// The saga vocabulary: instance statuses, the two phases, and the actions of the step log.
// Const objects for the values, unions for the types; the migration's CHECKs list the same values.

export const SagaStatus = {
  /** Moving forward: a step's command is out, or local steps are running. */
  Running: 'RUNNING',
  /** A step failed before the pivot; completed steps are being undone in reverse. */
  Compensating: 'COMPENSATING',
  Completed: 'COMPLETED',
  /** Failed and fully rolled back. */
  Compensated: 'COMPENSATED',
  /** Parked: a compensation failed or ran out of attempts; an operator decides. */
  CompensationFailed: 'COMPENSATION_FAILED',
  /** Parked: a step after the pivot failed or ran out of attempts; an operator decides. */
  ForwardFailed: 'FORWARD_FAILED',
  /** Closed by an operator. */
  Resolved: 'RESOLVED',
} as const;
export type SagaStatus = (typeof SagaStatus)[keyof typeof SagaStatus];

export const SagaPhase = {
  Forward: 'forward',
  Compensating: 'compensating',
} as const;
export type SagaPhase = (typeof SagaPhase)[keyof typeof SagaPhase];

/** Statuses an operator may act on. */
export const parkedStatuses: ReadonlySet<SagaStatus> = new Set([
  SagaStatus.ForwardFailed,
  SagaStatus.CompensationFailed,
]);

/** Statuses that never change again. */
export const finalStatuses: ReadonlySet<SagaStatus> = new Set([
  SagaStatus.Completed,
  SagaStatus.Compensated,
  SagaStatus.Resolved,
]);

export const StepAction = {
  Started: 'started',
  LocalStepRun: 'local_step_run',
  CommandSent: 'command_sent',
  ReplyReceived: 'reply_received',
  /** A reply for a command the saga is not waiting for (late or duplicate). */
  ReplyIgnored: 'reply_ignored',
  DeadlinePassed: 'deadline_passed',
  /** A local step threw; its savepoint was rolled back. */
  StepFailed: 'step_failed',
  CompensationStarted: 'compensation_started',
  LocalCompensationRun: 'local_compensation_run',
  CompensationSent: 'compensation_sent',
  CompensationReplyReceived: 'compensation_reply_received',
  Parked: 'parked',
  Completed: 'completed',
  Compensated: 'compensated',
  OperatorRetry: 'operator_retry',
  OperatorSkip: 'operator_skip',
  OperatorResolve: 'operator_resolve',
} as const;
export type StepAction = (typeof StepAction)[keyof typeof StepAction];

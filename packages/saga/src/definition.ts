// What a saga is: a named, versioned list of steps, each with its invoke, reply handling and
// compensation side by side, so the definition reads like the table in ARCHITECTURE.md.
import type { SqlExecutor } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';

/** How long one attempt of a command may take, and how many attempts it gets. */
export interface StepDeadline {
  readonly timeoutMs: number;
  /** Sends in all, the first included. */
  readonly maxAttempts: number;
}

/** A command to send; the engine adds `sagaId` and `commandId` to the payload and keys it by saga id. */
export interface SagaCommand {
  readonly topic: string;
  readonly type: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/**
 * What every reply carries back (see `sagaReplyBase`); the rest is the participant's contract,
 * validated by its zod schema at the consumer before the engine sees it. Other fields are `any`
 * so a handler may declare its contract's reply type instead (see ReplyHandler).
 */
export interface SagaReplyPayload {
  readonly sagaId: string;
  readonly commandId: string;
  // biome-ignore lint/suspicious/noExplicitAny: lets handlers narrow the reply to their contract type
  readonly [field: string]: any;
}

/** A reply handler's verdict: carry on with new data, or fail the step with a reason. */
export type ReplyOutcome<D> = { readonly next: D } | { readonly fail: string };

/**
 * Handles one reply type. Declared as a method so a handler may name its contract's narrower
 * reply type (`(data, reply: TicketCreated) => …`): the consumer validated the payload already.
 */
export type ReplyHandler<D> = {
  handle(data: D, reply: SagaReplyPayload): ReplyOutcome<D>;
}['handle'];

export type ReplyHandlers<D> = Readonly<Record<string, ReplyHandler<D>>>;

interface RemoteStepBase<D> {
  readonly name: string;
  /** Absent on remote steps; lets TypeScript tell the two kinds apart in a steps array. */
  readonly run?: undefined;
  /** The pivot: once it succeeds the saga only moves forward; later steps are never compensated. */
  readonly pivot?: boolean;
  invoke(data: D): SagaCommand;
  /** One handler per reply type the participant may send. */
  readonly onReply: ReplyHandlers<D>;
  readonly deadline: StepDeadline;
}

interface CompensableRemoteStep<D> extends RemoteStepBase<D> {
  /** The undo command; `undefined` when there is nothing to undo for this data. */
  compensate(data: D): SagaCommand | undefined;
  /** Handlers for the compensation's replies; `{ fail }` parks the saga in COMPENSATION_FAILED. */
  readonly onCompensationReply: ReplyHandlers<D>;
  /** Default: the step's `deadline`. */
  readonly compensationDeadline?: StepDeadline;
}

interface PlainRemoteStep<D> extends RemoteStepBase<D> {
  readonly compensate?: undefined;
  readonly onCompensationReply?: undefined;
  readonly compensationDeadline?: undefined;
}

/** A step carried out by another service: a command out, a reply back. */
export type RemoteStep<D> = CompensableRemoteStep<D> | PlainRemoteStep<D>;

export interface LocalStepContext<D> {
  /** The engine's transaction: the step's writes commit with the saga's state. */
  readonly tx: SqlExecutor;
  readonly data: D;
  readonly sagaId: string;
  /** Why the saga is compensating (e.g. `create-ticket failed: restaurant_closed`); null going forward. */
  readonly failure: string | null;
}

/**
 * A step the orchestrating service does itself, inside the engine's transaction (under a
 * savepoint). A throw fails the step, except a retryable AppError, which rolls back the whole
 * transition so it is tried again (redelivery, next deadline sweep).
 */
export interface LocalStep<D> {
  readonly name: string;
  readonly pivot?: boolean;
  readonly invoke?: undefined;
  run(ctx: LocalStepContext<D>): Promise<D>;
  compensate?(ctx: LocalStepContext<D>): Promise<void>;
}

export type SagaStep<D> = LocalStep<D> | RemoteStep<D>;

export interface SagaDefinitionSpec<D> {
  /** Stable name, e.g. `create-order`. */
  readonly name: string;
  /** Positive integer; instances finish on the version they started with. */
  readonly version: number;
  readonly steps: readonly SagaStep<D>[];
}

export interface SagaDefinition<D extends object = object> extends SagaDefinitionSpec<D> {
  /** Index of the last step that may be compensated: the pivot, or the last step without one. */
  readonly lastCompensable: number;
}

export function isLocalStep<D>(step: SagaStep<D>): step is LocalStep<D> {
  return typeof step.run === 'function';
}

export function isRemoteStep<D>(step: SagaStep<D>): step is RemoteStep<D> {
  return typeof step.invoke === 'function';
}

const NAME = /^[a-z][a-z0-9_.-]*$/;

function invalid(definition: string, problem: string): AppError {
  return new AppError(Errors.SAGA_INVALID_DEFINITION, { message: `saga ${definition}: ${problem}` });
}

function checkDeadline(where: string, deadline: StepDeadline | undefined): void {
  if (!deadline || !(deadline.timeoutMs > 0) || !Number.isInteger(deadline.maxAttempts) || deadline.maxAttempts < 1) {
    throw new Error(`${where} needs a deadline with timeoutMs > 0 and an integer maxAttempts >= 1`);
  }
}

/** Checks a definition and fixes its pivot; throws SAGA_INVALID_DEFINITION naming the problem. */
export function defineSaga<D extends object>(spec: SagaDefinitionSpec<D>): SagaDefinition<D> {
  const label = `${spec.name} v${spec.version}`;
  if (!NAME.test(spec.name)) throw invalid(label, 'the name must be lowercase letters, digits, . _ or -');
  if (!Number.isInteger(spec.version) || spec.version < 1) throw invalid(label, 'the version must be an integer >= 1');
  if (spec.steps.length === 0) throw invalid(label, 'it has no steps');
  const names = new Set<string>();
  const pivots: number[] = [];
  spec.steps.forEach((step, index) => {
    if (!NAME.test(step.name)) throw invalid(label, `step name "${step.name}" must match ${NAME}`);
    if (names.has(step.name)) throw invalid(label, `two steps are named ${step.name}`);
    names.add(step.name);
    if (step.pivot) pivots.push(index);
    if (isRemoteStep(step)) {
      try {
        checkDeadline(`step ${step.name}`, step.deadline);
        if (step.compensate)
          checkDeadline(`the compensation of ${step.name}`, step.compensationDeadline ?? step.deadline);
      } catch (error) {
        throw invalid(label, (error as Error).message);
      }
      if (Object.keys(step.onReply).length === 0) throw invalid(label, `step ${step.name} handles no reply type`);
      if (step.compensate && Object.keys(step.onCompensationReply ?? {}).length === 0) {
        throw invalid(label, `the compensation of ${step.name} handles no reply type`);
      }
    } else if (!isLocalStep(step)) {
      throw invalid(label, `step ${(step as { name: string }).name} has neither invoke nor run`);
    }
  });
  if (pivots.length > 1) throw invalid(label, 'it has more than one pivot');
  const lastCompensable = pivots[0] ?? spec.steps.length - 1;
  const undoneLater = spec.steps.slice(lastCompensable + 1).find((step) => step.compensate !== undefined);
  if (undoneLater) throw invalid(label, `step ${undoneLater.name} comes after the pivot, so it is never compensated`);
  return { ...spec, lastCompensable };
}

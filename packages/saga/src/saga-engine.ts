// The orchestrator: starts sagas in the caller's transaction, moves them on replies (inside the
// consumer's inbox transaction) and on deadlines, and answers operators. Every transition saves
// the instance, its step log and its commands (through the outbox) in one commit.
import type { Db, SqlExecutor } from '@ordo/db';
import { AppError, Errors, errorMessage } from '@ordo/errors';
import { type Faults, noFaults } from '@ordo/faults';
import { type Logger, silentLogger } from '@ordo/logger';
import type { MessageHandler } from '@ordo/messaging';
import type { OutboxWriter } from '@ordo/outbox';
import { z } from 'zod';
import { DeadlineTimer } from './deadline-timer.js';
import type { SagaDefinition, SagaReplyPayload } from './definition.js';
import { DefinitionRegistry } from './definition-registry.js';
import { type EngineContext, openTransition, saveTransition, toInstance } from './engine-context.js';
import { OperatorActions } from './operator-actions.js';
import { type MessageCause, sagaReplyBase } from './protocol.js';
import { SagaPhase, SagaStatus, StepAction } from './saga-status.js';
import { type ListQuery, SagaStore } from './saga-store.js';
import type { SagaDetails, SagaInstance, SagaState } from './saga-tables.js';
import { Transition } from './transitions.js';

export interface SagaEngineOptions {
  readonly db: Db;
  /** The owning service's schema: saga tables and outbox live there. */
  readonly schema: string;
  readonly writer: OutboxWriter;
  /** Every version still needed: the newest starts new sagas, older ones finish their instances. */
  readonly definitions: readonly SagaDefinition[];
  /** The clock for deadlines and timestamps (tests move it instead of sleeping). */
  readonly now: () => Date;
  readonly faults?: Faults;
  readonly logger?: Logger;
  /** Instances per deadline sweep. Default 100. */
  readonly deadlineBatchSize?: number;
  /** When a deadline's transition throws, it is tried again this much later. Default 30 s. */
  readonly deadlineErrorBackoffMs?: number;
}

export interface StartOptions<D extends object> {
  /** The saga's id; usually the id of the aggregate it is about (the order id). */
  readonly sagaId: string;
  readonly data: D;
  /** Shared by every command of the saga. Default: the saga id. */
  readonly correlationId?: string;
}

export interface SagaPage {
  readonly items: SagaInstance[];
  /** Pass as `afterId` for the next page; null on the last one. */
  readonly nextAfterId: string | null;
}

export class SagaEngine {
  readonly registry: DefinitionRegistry;
  private readonly context: EngineContext;
  private readonly operator: OperatorActions;
  private readonly timer: DeadlineTimer;
  private readonly batchSize: number;

  constructor(private readonly options: SagaEngineOptions) {
    this.registry = new DefinitionRegistry(options.definitions);
    this.batchSize = options.deadlineBatchSize ?? 100;
    const logger = (options.logger ?? silentLogger).child({ component: 'saga-engine', schema: options.schema });
    this.context = {
      db: options.db,
      store: new SagaStore(options.schema),
      writer: options.writer,
      registry: this.registry,
      faults: options.faults ?? noFaults,
      logger,
      now: options.now,
    };
    this.operator = new OperatorActions(this.context);
    this.timer = new DeadlineTimer(
      () => this.processDueDeadlines(),
      this.batchSize,
      (err) => logger.error({ err }, 'saga deadline sweep failed'),
    );
  }

  /**
   * Starts a saga in the caller's transaction on the newest version of `sagaName`: records it,
   * runs the leading local steps and sends the first command. An error fails the caller's work.
   */
  async start<D extends object>(tx: SqlExecutor, sagaName: string, options: StartOptions<D>): Promise<SagaInstance> {
    const { store, registry } = this.context;
    const definition = registry.latest(sagaName);
    const now = this.options.now();
    const state: SagaState = {
      id: options.sagaId,
      sagaName,
      version: definition.version,
      status: SagaStatus.Running,
      stepIndex: 0,
      phase: SagaPhase.Forward,
      data: options.data as SagaState['data'],
      attempt: 0,
      deadlineAt: null,
      waitingForCommandId: null,
      lastError: null,
      compensationReason: null,
      correlationId: options.correlationId ?? options.sagaId,
      createdAt: now,
      updatedAt: now,
    };
    if (!(await store.insert(tx, state))) {
      throw new AppError(Errors.SAGA_ALREADY_STARTED, { details: { sagaId: options.sagaId } });
    }
    const transition = new Transition(state, { tx, now, definition, localErrors: 'propagate' });
    transition.record(StepAction.Started, { sagaName, version: definition.version });
    await transition.advanceFrom(0);
    await saveTransition(this.context, tx, transition);
    return toInstance(registry, state);
  }

  /**
   * Applies a participant's reply, inside the consumer's transaction. A reply for a command the
   * saga is not waiting for (late, duplicate) is logged and ignored.
   */
  async handleReply(tx: SqlExecutor, replyType: string, payload: unknown, cause?: MessageCause): Promise<void> {
    const parsed = sagaReplyBase.safeParse(payload);
    if (!parsed.success) {
      throw new AppError(Errors.MSG_SCHEMA_INVALID, {
        message: `${replyType} is not a saga reply: ${z.prettifyError(parsed.error)}`,
      });
    }
    const state = await this.context.store.lock(tx, parsed.data.sagaId);
    if (!state) {
      throw new AppError(Errors.SAGA_NOT_FOUND, {
        message: `${replyType} names saga ${parsed.data.sagaId}, which this service never started`,
        details: { sagaId: parsed.data.sagaId },
      });
    }
    const transition = openTransition(this.context, tx, state, { localErrors: 'fail-step', cause });
    await transition.onReply(replyType, payload as SagaReplyPayload);
    await saveTransition(this.context, tx, transition);
  }

  /** Consumer handlers for every reply type of every registered definition. */
  replyHandlers(): Record<string, MessageHandler<SagaReplyPayload>> {
    const handler: MessageHandler<SagaReplyPayload> = (payload, ctx) =>
      this.handleReply(ctx.tx, ctx.envelope.type, payload, ctx.envelope);
    return Object.fromEntries(this.registry.replyTypes().map((type) => [type, handler]));
  }

  /**
   * Handles instances whose deadline passed, each in its own transaction: re-send with the same
   * command id, or give up on the command (compensate, or park). Returns how many it handled.
   */
  async processDueDeadlines(limit = this.batchSize): Promise<number> {
    const { db, store, logger } = this.context;
    const now = this.options.now();
    let handled = 0;
    for (const id of await store.dueIds(db, now, limit)) {
      let due: Date | null = null;
      try {
        const done = await db.transaction(async (tx) => {
          const state = await store.lockDue(tx, id, now);
          if (!state) return false; // another sweep has it, or it moved on
          due = state.deadlineAt;
          const transition = openTransition(this.context, tx, state, { localErrors: 'fail-step' });
          await transition.onDeadline();
          await saveTransition(this.context, tx, transition);
          return true;
        });
        if (done) handled++;
      } catch (error) {
        logger.warn({ err: error, sagaId: id }, 'saga deadline could not be processed; deferring it');
        if (due) {
          const next = new Date(now.getTime() + (this.options.deadlineErrorBackoffMs ?? 30_000));
          await store.deferDeadline(db, id, due, next, errorMessage(error)).catch(() => {});
        }
      }
    }
    return handled;
  }

  /** Sweeps deadlines every `intervalMs` until stop(). */
  startTimer(intervalMs = 1_000): void {
    this.timer.start(intervalMs);
  }

  /** Stops the timer; resolves once the sweep in flight has finished. */
  stop(): Promise<void> {
    return this.timer.stop();
  }

  /**
   * Fails loudly when an unfinished instance runs on a definition this process does not have
   * (a version removed too early). Call at startup, after migrations.
   */
  async assertDefinitionsCover(): Promise<void> {
    const live = await this.context.store.liveVersions(this.context.db);
    const missing = live.filter((v) => !this.registry.find(v.sagaName, v.version));
    if (missing.length === 0) return;
    const list = missing.map((m) => `${m.sagaName} v${m.version} (${m.count} instance(s))`).join(', ');
    throw new AppError(Errors.SAGA_DEFINITION_MISSING, {
      message: `unfinished sagas run on definitions this process does not register: ${list}`,
      details: { missing },
    });
  }

  retry(sagaId: string, note?: string): Promise<SagaInstance> {
    return this.operator.retry(sagaId, note);
  }

  skip(sagaId: string, note?: string): Promise<SagaInstance> {
    return this.operator.skip(sagaId, note);
  }

  resolve(sagaId: string, note: string): Promise<SagaInstance> {
    return this.operator.resolve(sagaId, note);
  }

  /** Instances ordered by id, `limit` at a time; filter by status. */
  async list(query: ListQuery = {}): Promise<SagaPage> {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
    const states = await this.context.store.list(this.context.db, { ...query, limit });
    const items = states.map((s) => toInstance(this.registry, s));
    return { items, nextAfterId: items.length === limit ? (items.at(-1)?.id ?? null) : null };
  }

  /** One instance with its whole step log; SAGA_NOT_FOUND if there is none. */
  async get(sagaId: string): Promise<SagaDetails> {
    const { store, db } = this.context;
    const state = await store.find(db, sagaId);
    if (!state) throw new AppError(Errors.SAGA_NOT_FOUND, { details: { sagaId } });
    return { ...toInstance(this.registry, state), log: await store.logOf(db, sagaId) };
  }
}

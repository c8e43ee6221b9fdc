// What the engine's parts share: its ports, and the one way a transition is opened and saved
// (state, step log and outgoing commands in the caller's transaction, or none of them).
import { type Db, type SqlExecutor, together } from '@ordo/db';
import type { Faults } from '@ordo/faults';
import type { Logger } from '@ordo/logger';
import type { OutboxWriter } from '@ordo/outbox';
import type { DefinitionRegistry } from './definition-registry.js';
import type { MessageCause } from './protocol.js';
import type { SagaStore } from './saga-store.js';
import type { SagaInstance, SagaState } from './saga-tables.js';
import { Transition, type TransitionContext } from './transitions.js';

export interface EngineContext {
  readonly db: Db;
  readonly store: SagaStore;
  readonly writer: OutboxWriter;
  readonly registry: DefinitionRegistry;
  readonly faults: Faults;
  readonly logger: Logger;
  readonly now: () => Date;
}

/** Fault points: a `throw` here is a crash after the writes and before the commit. */
export const SagaFaultPoints = {
  BeforeCommit: 'saga.beforeCommit',
} as const;

export function openTransition(
  engine: EngineContext,
  tx: SqlExecutor,
  state: SagaState,
  options: Pick<TransitionContext, 'localErrors'> & { cause?: MessageCause },
): Transition {
  const definition = engine.registry.get(state.sagaName, state.version);
  return new Transition(state, { tx, now: engine.now(), definition, ...options });
}

export async function saveTransition(engine: EngineContext, tx: SqlExecutor, transition: Transition): Promise<void> {
  const { state } = transition;
  // State and step log, and the outgoing messages: independent writes, issued together so that a
  // pipelining connection sends them in one round trip.
  await together(
    transition.changed
      ? engine.store.saveWithLog(tx, state, transition.now, transition.log)
      : engine.store.append(tx, state.id, transition.now, transition.log),
    engine.writer.write(tx, transition.messages),
  );
  await engine.faults.hit(SagaFaultPoints.BeforeCommit);
}

export function toInstance(registry: DefinitionRegistry, state: SagaState): SagaInstance {
  const definition = registry.find(state.sagaName, state.version);
  return { ...state, step: definition?.steps[state.stepIndex]?.name };
}

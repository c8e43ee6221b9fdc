export {
  defineSaga,
  isLocalStep,
  isRemoteStep,
  type LocalStep,
  type LocalStepContext,
  type RemoteStep,
  type ReplyHandler,
  type ReplyHandlers,
  type ReplyOutcome,
  type SagaCommand,
  type SagaDefinition,
  type SagaDefinitionSpec,
  type SagaReplyPayload,
  type SagaStep,
  type StepDeadline,
} from './definition.js';
export { DefinitionRegistry } from './definition-registry.js';
export { SagaFaultPoints } from './engine-context.js';
export { sagaMigrations } from './migrations.js';
export { OperatorAction } from './operator-actions.js';
export {
  CommandKind,
  commandIdFor,
  type MessageCause,
  type SagaCommandBase,
  type SagaReplyBase,
  sagaCommandBase,
  sagaReplyBase,
} from './protocol.js';
export { SagaEngine, type SagaEngineOptions, type SagaPage, type StartOptions } from './saga-engine.js';
export { finalStatuses, parkedStatuses, SagaPhase, SagaStatus, StepAction } from './saga-status.js';
export type { ListQuery } from './saga-store.js';
export type { SagaData, SagaDetails, SagaInstance, StepLogEntry } from './saga-tables.js';

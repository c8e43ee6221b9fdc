// The JSON shape of a saga instance and its step log in the operators' API, as zod schemas
// (documented at /docs) and the functions that build them from the engine's records. A saga's
// data and step log hold the command payloads (the card token, the delivery address): operators
// see them masked, at whatever depth they sit, since no saga action needs them in full.
import { maskPersonalData, scrubText } from '@ordo/logger';
import { type SagaDetails, type SagaInstance, SagaPhase, SagaStatus, StepAction, type StepLogEntry } from '@ordo/saga';
import { z } from 'zod';

const time = z.iso.datetime();

const MASKED =
  'Personal data masked: card tokens as `tok_…242` (first 4 and last 3 characters), addresses as ' +
  '`{ lat, lng }` rounded to 0.01° without the street, names as initials, emails as `a…@example.com`.';

export const sagaStatus = z.enum(SagaStatus);

export const sagaSchema = z
  .object({
    id: z.string(),
    sagaName: z.string(),
    version: z.number().int().meta({ description: 'The definition version the instance runs.' }),
    status: sagaStatus,
    step: z.string().optional().meta({ description: 'The current step; absent when its definition is unknown here.' }),
    stepIndex: z.number().int(),
    phase: z.enum(SagaPhase),
    data: z.record(z.string(), z.unknown()).meta({ description: MASKED }),
    attempt: z.number().int().meta({ description: 'Sends of the current command so far.' }),
    deadlineAt: time.nullable(),
    waitingForCommandId: z.string().nullable(),
    lastError: z.string().nullable().meta({ description: 'Emails and card tokens in it are masked.' }),
    correlationId: z.string(),
    createdAt: time,
    updatedAt: time,
  })
  .meta({ id: 'Saga' });
export type SagaView = z.output<typeof sagaSchema>;

export const stepLogEntrySchema = z.object({
  id: z.number().int(),
  sagaId: z.string(),
  step: z.string().nullable(),
  action: z.enum(StepAction),
  commandId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).meta({ description: MASKED }),
  at: time,
});

export const sagaDetailsSchema = sagaSchema.extend({ log: z.array(stepLogEntrySchema) }).meta({ id: 'SagaDetails' });
export type SagaDetailsView = z.output<typeof sagaDetailsSchema>;

export const sagaPageSchema = z.object({
  sagas: z.array(sagaSchema),
  next: z.string().nullable().meta({ description: 'Pass as `after` for the next page; null on the last one.' }),
});

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function sagaView(saga: SagaInstance): SagaView {
  return {
    id: saga.id,
    sagaName: saga.sagaName,
    version: saga.version,
    status: saga.status,
    ...(saga.step === undefined ? {} : { step: saga.step }),
    stepIndex: saga.stepIndex,
    phase: saga.phase,
    data: maskPersonalData(saga.data),
    attempt: saga.attempt,
    deadlineAt: iso(saga.deadlineAt),
    waitingForCommandId: saga.waitingForCommandId,
    lastError: saga.lastError === null ? null : scrubText(saga.lastError),
    correlationId: saga.correlationId,
    createdAt: saga.createdAt.toISOString(),
    updatedAt: saga.updatedAt.toISOString(),
  };
}

function logEntryView(entry: StepLogEntry): z.output<typeof stepLogEntrySchema> {
  return {
    id: entry.id,
    sagaId: entry.sagaId,
    step: entry.step,
    action: entry.action,
    commandId: entry.commandId,
    detail: maskPersonalData(entry.detail),
    at: entry.at.toISOString(),
  };
}

export function sagaDetailsView(saga: SagaDetails): SagaDetailsView {
  return { ...sagaView(saga), log: saga.log.map(logEntryView) };
}

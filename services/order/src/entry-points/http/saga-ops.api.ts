// The operators' saga API: its requests (validated by the routes with these schemas) and its
// operations as the docs at /docs list them.
import { Errors } from '@ordo/errors';
import type { ApiOperation } from '@ordo/http';
import { z } from 'zod';
import { sagaDetailsSchema, sagaPageSchema, sagaStatus } from './saga.presenter.js';

export const listSagasQuery = z.object({
  status: sagaStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: z.string().max(200).optional().meta({ description: 'The `next` of the previous page.' }),
});
export const sagaParams = z.object({ id: z.string().min(1).max(200) });
const note = z.string().min(1).max(2_000);
export const actionBody = z.strictObject({ note: note.optional() }).default({});
export const resolveBody = z.strictObject({ note: note.meta({ description: 'What the operator did about it.' }) });

const tags = ['Operations: sagas'];
const roles = ['operator'];
const notFound = { description: 'No such saga.', errors: [Errors.SAGA_NOT_FOUND] };

// `moves` says whether the action can move money (a retried or skipped void, refund or
// capture): those take an Idempotency-Key (ADR 0018).
function parkedAction(
  action: string,
  summary: string,
  description: string,
  body: z.ZodType,
  moves: { idempotent: boolean },
): ApiOperation {
  return {
    method: 'POST',
    path: `/v1/ops/sagas/:id/${action}`,
    summary,
    description,
    tags,
    roles,
    idempotent: moves.idempotent,
    params: sagaParams,
    body,
    responses: {
      200: { description: 'The saga after the action, with its step log.', schema: sagaDetailsSchema },
      404: notFound,
      409: {
        description: 'Only a parked saga (`COMPENSATION_FAILED`, `FORWARD_FAILED`) takes operator actions.',
        errors: [Errors.SAGA_ILLEGAL_ACTION],
      },
    },
  };
}

export const sagaOpsApi: readonly ApiOperation[] = [
  {
    method: 'GET',
    path: '/v1/ops/sagas',
    summary: 'List sagas',
    description: 'Find stuck or parked sagas by status. Personal data in each saga’s data is masked.',
    tags,
    roles,
    query: listSagasQuery,
    responses: { 200: { description: 'One page of sagas.', schema: sagaPageSchema } },
  },
  {
    method: 'GET',
    path: '/v1/ops/sagas/:id',
    summary: 'Read a saga and its step log',
    description:
      'The saga’s data and step log carry the commands’ payloads; personal data in them is masked (the card ' +
      'token, the street of the delivery address, names, emails). No saga action needs it in full.',
    tags,
    roles,
    params: sagaParams,
    responses: { 200: { description: 'The saga.', schema: sagaDetailsSchema }, 404: notFound },
  },
  parkedAction(
    'retry',
    'Retry the parked step',
    'Sends the step’s command again, under a new command id.',
    actionBody,
    { idempotent: true },
  ),
  parkedAction(
    'skip',
    'Skip the parked step',
    'Treats the step as done and moves on (forward, or on with compensation).',
    actionBody,
    { idempotent: true },
  ),
  parkedAction(
    'resolve',
    'Close a parked saga as resolved',
    'For a saga an operator has settled by hand; the note records how.',
    resolveBody,
    { idempotent: false },
  ),
];

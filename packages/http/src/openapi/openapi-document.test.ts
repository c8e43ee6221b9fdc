import { Errors } from '@ordo/errors';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ApiOperation } from './api-operation.js';
import { openApiDocument } from './openapi-document.js';

const item = z.object({ id: z.string(), createdAt: z.iso.datetime() }).meta({ id: 'TestItem' });

const operations: ApiOperation[] = [
  {
    method: 'GET',
    path: '/v1/items',
    summary: 'List items',
    tags: ['items'],
    query: z.object({
      limit: z.coerce.number().int().min(1).max(100).default(20),
      after: z.string().optional().meta({ description: 'The last id of the previous page.' }),
    }),
    responses: {
      200: { description: 'A page', schema: z.object({ items: z.array(item), next: z.string().nullable() }) },
    },
  },
  {
    method: 'POST',
    path: '/v1/items/:id/rename',
    summary: 'Rename an item',
    description: 'Only the `name` changes.',
    tags: ['items'],
    roles: ['operator'],
    params: z.object({ id: z.string().min(1) }),
    body: z.strictObject({ name: z.string().min(1) }),
    responses: {
      200: { description: 'The item', schema: item },
      400: { description: 'The name is taken.', errors: [Errors.VALIDATION] },
      404: { description: 'No such item.' },
      409: { description: 'The item is locked.', errors: [Errors.SAGA_ALREADY_STARTED, Errors.ORDER_NOT_CANCELLABLE] },
    },
  },
];

describe('openApiDocument', () => {
  const document = openApiDocument({ info: { title: 'Test', version: '1' }, operations });

  it('when an operation is idempotent, then it documents the Idempotency-Key header, its 409/422 answers and the replay header', () => {
    const [, rename] = operations;
    const marked = openApiDocument({
      info: { title: 'Test', version: '1' },
      operations: [{ ...rename!, idempotent: true }],
    }).paths['/v1/items/{id}/rename']?.post;
    expect(marked?.parameters?.find((p) => p.in === 'header')).toMatchObject({
      name: 'Idempotency-Key',
      required: false,
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    });
    expect(marked?.responses['409']?.description).toContain('ORDO_ERR_ORDER_NOT_CANCELLABLE');
    expect(marked?.responses['409']?.description).toContain('ORDO_ERR_IDEMPOTENCY_KEY_IN_USE');
    expect(marked?.responses['422']?.description).toContain('ORDO_ERR_IDEMPOTENCY_KEY_REUSED');
    expect(marked?.responses['400']?.description).toContain('ORDO_ERR_IDEMPOTENCY_KEY_INVALID');
    expect(Object.keys(marked?.responses['200']?.headers ?? {})).toEqual(['Idempotent-Replayed']);
    const plain = document.paths['/v1/items/{id}/rename']?.post;
    expect(plain?.parameters?.some((p) => p.in === 'header')).toBe(false);
    expect(plain?.responses['422']).toBeUndefined();
  });

  it('when given operations, then each is under its OpenAPI path and lower-case method', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(['/v1/items', '/v1/items/{id}/rename']);
    expect(Object.keys(document.paths['/v1/items/{id}/rename'] ?? {})).toEqual(['post']);
    expect(document.tags).toEqual([{ name: 'items' }]);
  });

  it('when a query has defaults and coercion, then parameters show what a client sends', () => {
    expect(document.paths['/v1/items']?.get?.parameters).toEqual([
      {
        name: 'limit',
        in: 'query',
        required: false,
        schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
      },
      {
        name: 'after',
        in: 'query',
        required: false,
        description: 'The last id of the previous page.',
        schema: { type: 'string' },
      },
    ]);
  });

  it('when an operation names roles, then it needs the bearer scheme and documents 401 and 403', () => {
    const rename = document.paths['/v1/items/{id}/rename']?.post;
    expect(rename?.security).toEqual([{ bearerAuth: [] }]);
    expect(rename?.['x-roles']).toEqual(['operator']);
    expect(rename?.description).toBe('Only the `name` changes.\n\nRoles: operator.');
    expect(Object.keys(rename?.responses ?? {})).toEqual(['200', '400', '401', '403', '404', '409', '413', '415']);
    expect(rename?.responses['404']).toEqual({
      description: 'No such item.',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    });
    expect(document.components.securitySchemes.bearerAuth).toEqual({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
  });

  it('when a response lists error codes, then its description names them; shared reasons come first', () => {
    const responses = document.paths['/v1/items/{id}/rename']?.post?.responses;
    expect(responses?.['409']?.description).toBe(
      'The item is locked: `ORDO_ERR_SAGA_ALREADY_STARTED`, `ORDO_ERR_ORDER_NOT_CANCELLABLE`.',
    );
    expect(responses?.['400']?.description).toBe(
      'The request is not valid (`details.in` and `details.issues` name the fields): ' +
        '`ORDO_ERR_HTTP_VALIDATION`, `ORDO_ERR_HTTP_MALFORMED_JSON`. The name is taken: `ORDO_ERR_HTTP_VALIDATION`.',
    );
  });

  it('when a listed error code has another HTTP status, then building fails', () => {
    const wrong: ApiOperation = {
      ...operations[0]!,
      responses: { 404: { description: 'x', errors: [Errors.AUTH_FORBIDDEN] } },
    };
    expect(() => openApiDocument({ info: { title: 'T', version: '1' }, operations: [wrong] })).toThrow(
      /ORDO_ERR_AUTH_FORBIDDEN is a 403, listed under 404/,
    );
  });

  it('when an operation names no roles, then it is anonymous and has no 401', () => {
    const list = document.paths['/v1/items']?.get;
    expect(list?.security).toEqual([]);
    expect(list?.description).toBe('Anonymous: no token needed.');
    expect(list?.responses['401']).toBeUndefined();
  });

  it('when schemas carry an id, then they become components referenced from every use', () => {
    const rename = document.paths['/v1/items/{id}/rename']?.post;
    expect(rename?.responses['200']?.content?.['application/json'].schema).toEqual({
      $ref: '#/components/schemas/TestItem',
    });
    expect(document.components.schemas.TestItem).toEqual({
      type: 'object',
      properties: { id: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' } },
      required: ['id', 'createdAt'],
    });
    expect(document.components.schemas.Error).toMatchObject({
      type: 'object',
      required: ['error'],
      properties: { error: { required: ['code', 'message'] } },
    });
  });

  it('when a body is strict, then it stays closed; a required body is marked required', () => {
    expect(document.paths['/v1/items/{id}/rename']?.post?.requestBody).toEqual({
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: { name: { type: 'string', minLength: 1 } },
            required: ['name'],
            additionalProperties: false,
          },
        },
      },
    });
  });

  it('when the path and the params schema disagree, then building fails', () => {
    const wrong: ApiOperation = { ...operations[1]!, params: z.object({ itemId: z.string() }) };
    expect(() => openApiDocument({ info: { title: 'T', version: '1' }, operations: [wrong] })).toThrow(/\[id\]/);
  });

  it('when an operation is described twice, then building fails', () => {
    const list = operations[0]!;
    expect(() => openApiDocument({ info: { title: 'T', version: '1' }, operations: [list, list] })).toThrow(
      /described twice/,
    );
  });
});

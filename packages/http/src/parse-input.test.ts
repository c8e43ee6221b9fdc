import { AppError, Errors } from '@ordo/errors';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toErrorResponse } from './error-mapping.js';
import { parseInput } from './parse-input.js';

const body = z.strictObject({
  items: z.array(z.strictObject({ quantity: z.number().int().min(1) })).min(1),
  'a/b~c': z.string().optional(),
});

function failure(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected parseInput to throw');
}

describe('parseInput', () => {
  it('when the value matches, then it returns the parsed value with defaults applied', () => {
    const query = z.object({ limit: z.coerce.number().int().default(20) });
    expect(parseInput(query, { limit: '5' }, 'querystring')).toEqual({ limit: 5 });
    expect(parseInput(query, undefined, 'querystring')).toEqual({ limit: 20 });
  });

  it('when a field is wrong, then 400 ORDO_ERR_HTTP_VALIDATION names the part and each field as a JSON Pointer', () => {
    const error = failure(() => parseInput(body, { items: [{ quantity: 0 }], 'a/b~c': 1 }, 'body'));
    expect(error.code).toBe(Errors.VALIDATION.code);
    expect(toErrorResponse(error)).toEqual({
      status: 400,
      body: {
        error: {
          code: 'ORDO_ERR_HTTP_VALIDATION',
          message: expect.stringMatching(/^body is not valid: /),
          details: {
            in: 'body',
            issues: [
              { path: '/items/0/quantity', message: expect.any(String) },
              { path: '/a~1b~0c', message: expect.any(String) },
            ],
          },
        },
      },
    });
  });

  it('when the part is absent, then it is checked as an empty object and its required fields are named', () => {
    const error = failure(() => parseInput(body, undefined, 'body'));
    expect(error.details).toEqual({ in: 'body', issues: [{ path: '/items', message: expect.any(String) }] });
  });

  it('when the value is not an object at all, then the issue is at the root', () => {
    const error = failure(() => parseInput(body, ['x'], 'params'));
    expect(error.details).toEqual({ in: 'params', issues: [{ path: '', message: expect.any(String) }] });
  });
});

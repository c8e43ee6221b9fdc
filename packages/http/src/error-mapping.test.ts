import { AppError, Errors } from '@ordo/errors';
import { describe, expect, it } from 'vitest';
import { toErrorResponse } from './error-mapping.js';

describe('toErrorResponse', () => {
  it('when an unknown error carries a 4xx status (an aborted upload, a plugin), then 400 ORDO_ERR_HTTP_VALIDATION in our words', () => {
    const error = Object.assign(new Error('aborted at /srv/app/upload.js:12'), { statusCode: 400, code: 'ECONNRESET' });
    expect(toErrorResponse(error)).toEqual({
      status: 400,
      body: { error: { code: 'ORDO_ERR_HTTP_VALIDATION', message: Errors.VALIDATION.message } },
    });
  });

  it('when the thrown value is not even an Error, then 500 ORDO_ERR_HTTP_INTERNAL', () => {
    expect(toErrorResponse('boom')).toEqual({
      status: 500,
      body: { error: { code: 'ORDO_ERR_HTTP_INTERNAL', message: Errors.INTERNAL.message } },
    });
    expect(toErrorResponse(undefined).status).toBe(500);
  });

  it('when an error claims a 5xx statusCode, then it is still a plain 500 ORDO_ERR_HTTP_INTERNAL', () => {
    const error = Object.assign(new Error('upstream said no'), { statusCode: 502 });
    expect(toErrorResponse(error)).toMatchObject({ status: 500, body: { error: { code: 'ORDO_ERR_HTTP_INTERNAL' } } });
  });

  it('when a 4xx AppError has no details, then the body has no details key', () => {
    const { body } = toErrorResponse(new AppError(Errors.DLQ_ALREADY_REPLAYED));
    expect(body).toEqual({
      error: { code: 'ORDO_ERR_DLQ_ALREADY_REPLAYED', message: Errors.DLQ_ALREADY_REPLAYED.message },
    });
  });
});

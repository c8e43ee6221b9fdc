// Validates one part of a request with zod, before anything is read or written. A failure is a
// 400 ORDO_ERR_HTTP_VALIDATION in the shape the error handler gives Fastify's own validation
// errors: `details.in` names the part, each issue its JSON Pointer path and message.
import { AppError, Errors } from '@ordo/errors';
import { z } from 'zod';

/** The part of the request a schema checks, named as Fastify names it in its validation errors. */
export type RequestPart = 'body' | 'querystring' | 'params' | 'headers';

/** RFC 6901: `/items/0/quantity`; the root is the empty string. */
function pointer(path: readonly PropertyKey[]): string {
  return path.map((key) => `/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/**
 * The parsed value, or an AppError (400) naming every failing field. An absent part (no body,
 * no query string) is checked as `{}`, so a missing body fails on its required fields.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, part: RequestPart): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new AppError(Errors.VALIDATION, {
    message: `${part} is not valid: ${z.prettifyError(result.error)}`,
    details: {
      in: part,
      issues: result.error.issues.map((issue) => ({ path: pointer(issue.path), message: issue.message })),
    },
  });
}

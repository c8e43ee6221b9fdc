// Validates a request part with zod; a failure is a 400 ORDO_ERR_HTTP_VALIDATION that names the
// failing fields, in the same shape the shared error handler gives Fastify's own validation.
import { AppError, Errors } from '@ordo/errors';
import { z } from 'zod';

export type RequestPart = 'body' | 'querystring' | 'params';

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, part: RequestPart): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new AppError(Errors.VALIDATION, {
    message: `${part} is not valid: ${z.prettifyError(result.error)}`,
    details: {
      in: part,
      issues: result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    },
  });
}

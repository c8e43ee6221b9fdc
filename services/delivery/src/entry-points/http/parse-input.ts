// Validates a request part with zod and fails with ORDO_ERR_HTTP_VALIDATION in the same shape
// the shared error handler gives Fastify's own validation errors.
import { AppError, Errors } from '@ordo/errors';
import { z } from 'zod';

export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'params' | 'querystring',
): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new AppError(Errors.VALIDATION, {
    message: `${where} is not valid: ${z.prettifyError(result.error)}`,
    details: {
      in: where,
      issues: result.error.issues.map((issue) => ({
        path: issue.path.length > 0 ? `/${issue.path.join('/')}` : '',
        message: issue.message,
      })),
    },
  });
}

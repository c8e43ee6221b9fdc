// Request parsing with zod: any mismatch is a 400 with the stable validation code and the
// failing fields, before anything is read or written.
import { AppError, Errors } from '@ordo/errors';
import { z } from 'zod';

export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AppError(Errors.VALIDATION, {
      message: z.prettifyError(result.error),
      details: { issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
    });
  }
  return result.data;
}

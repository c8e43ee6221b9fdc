// Parses environment variables once, at the composition root, into a typed config object.
// Every bad variable is reported in one error, so an operator fixes them all in one go.
import { AppError, Errors } from '@ordo/errors';
import type { z } from 'zod';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ConfigIssue {
  /** The environment variable at fault, e.g. `PORT`. */
  variable: string;
  message: string;
}

/**
 * Validates `env` against `schema` and returns its typed output.
 *
 * An empty variable (`PORT=`) counts as unset, so its default applies: that is what
 * `docker run -e PORT=` or a blank line in an env file mean. Values are never echoed
 * into the error, since a variable may hold a secret.
 *
 * @throws AppError `ORDO_ERR_CONFIG_INVALID`, with `details.issues` listing each bad variable.
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: Env = process.env): z.output<S> {
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') present[name] = value;
  }
  const result = schema.safeParse(present);
  if (result.success) return result.data;

  const issues: ConfigIssue[] = result.error.issues.map((issue) => ({
    variable: issue.path.length > 0 ? issue.path.map(String).join('.') : '(config)',
    message: issue.message,
  }));
  const summary = issues.map((i) => `${i.variable}: ${i.message}`).join('; ');
  throw new AppError(Errors.CONFIG_INVALID, {
    message: `invalid configuration: ${summary}`,
    details: { issues },
  });
}

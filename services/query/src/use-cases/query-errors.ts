// The query service's error codes, registered with the others in @ordo/errors (docs/errors.md).
import { Errors } from '@ordo/errors';

export const QueryErrors = {
  VIEW_BEHIND: Errors.QUERY_VIEW_BEHIND,
} as const;

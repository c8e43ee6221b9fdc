// Quoted names of the log's tables in one schema, so SQL text never splices a raw name.
import { ident } from '@ordo/db';

export interface LogTables {
  readonly schema: string;
  readonly messages: string;
  readonly topics: string;
  readonly groups: string;
  readonly pending: string;
}

export function logTables(schema: string): LogTables {
  const s = ident(schema);
  return {
    schema,
    messages: `${s}.${ident('messages')}`,
    topics: `${s}.${ident('topics')}`,
    groups: `${s}.${ident('groups')}`,
    pending: `${s}.${ident('pending')}`,
  };
}

/** NOTIFY channel every append signals on; the payload is the topic. Lowercase, as LISTEN folds names. */
export const LOG_CHANNEL = 'ordo_log';

/** Retention when a topic sets no max age; also the dedup window, since dedup lasts as long as the row. */
export const DEFAULT_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/** SQL for "now() plus a number of milliseconds given as parameter $n". */
export function nowPlusMs(param: number): string {
  return `now() + $${param}::float8 * interval '1 millisecond'`;
}

// A Kysely bound to the psp-sim schema, on the database or on an open transaction.
import { kysely, type SqlExecutor } from '@ordo/db';
import type { Kysely } from 'kysely';
import { PSP_SIM_SCHEMA } from './migrations.js';
import type { PspSimTables } from './tables.js';

export function pspSimDb(executor: SqlExecutor): Kysely<PspSimTables> {
  return kysely<PspSimTables>(executor).withSchema(PSP_SIM_SCHEMA);
}

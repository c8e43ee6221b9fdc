// The two databases the delivery service runs on, for suites that must pass on both: a PGlite
// clone (embedded shape) and a fresh database on the local Postgres server, dropped at close.
import type { Db } from '@ordo/db';
import { createTestPgDatabase, createTestPgliteDb } from '@ordo/testing';

export interface TestDatabase {
  readonly db: Db;
  close(): Promise<void>;
}

export const databases = [
  {
    name: 'PGlite',
    open: async (): Promise<TestDatabase> => {
      const db = await createTestPgliteDb();
      return { db, close: () => db.close() };
    },
  },
  {
    name: 'Postgres',
    open: async (): Promise<TestDatabase> => {
      const database = await createTestPgDatabase('ordo_delivery');
      const db = database.open({ max: 4 });
      return {
        db,
        close: async () => {
          await db.close();
          await database.drop();
        },
      };
    },
  },
] as const;

// The two databases the delivery service runs on, for suites that must pass on both: a PGlite
// clone (embedded shape) and a fresh database on the local Postgres server, dropped at close.
import { openTestDatabase, TEST_DATABASES, type TestDatabase } from '@ordo/testing';

export type { TestDatabase } from '@ordo/testing';

export const databases = TEST_DATABASES.map(({ name, kind }) => ({
  name,
  open: (): Promise<TestDatabase> => openTestDatabase(kind, { prefix: 'ordo_delivery', max: 4 }),
}));

import { openTestDatabase, TEST_DATABASES } from '@ordo/testing';
import { describe, expect, it } from 'vitest';

const ADDRESS = 'Zqxwstreet 17, Canary Town';

describe.each(TEST_DATABASES)('statement data in database errors, $name', ({ kind }) => {
  it('when a parameterized statement fails, then the error keeps its code and constraint but not the statement, its parameters or the row', async () => {
    const { db, close } = await openTestDatabase(kind);
    try {
      await db.query('CREATE TABLE people (id int PRIMARY KEY, street text NOT NULL)');
      await db.query('INSERT INTO people VALUES ($1, $2)', [1, ADDRESS]);
      const error = await db.query('INSERT INTO people VALUES ($1, $2)', [1, ADDRESS]).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: '23505', constraint: 'people_pkey' });
      for (const field of ['params', 'query', 'detail']) expect(error).not.toHaveProperty(field);
      expect(JSON.stringify(error)).not.toContain('Zqxw');

      const inTransaction = await db
        .transaction((tx) => tx.query('INSERT INTO people VALUES ($1, $2)', [1, ADDRESS]))
        .catch((e: unknown) => e);
      expect(inTransaction).toMatchObject({ code: '23505' });
      expect(JSON.stringify(inTransaction)).not.toContain('Zqxw');
    } finally {
      await close();
    }
  });
});

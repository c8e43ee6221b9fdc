// Prepared statements and their plans, on both adapters (ADR 0027): which statements are named,
// how they are planned, what a schema change does to them, and when they are planned again.
import { createTestPgDatabase, createTestPgliteDb, type TestPgDatabase } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Db } from './db.port.js';

/** How often the prepared statement with this text was planned generically and for its values. */
async function plansOf(db: Db, text: string) {
  const { rows } = await db.query<{ generic: number; custom: number }>(
    'SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE statement = $1',
    [text],
  );
  return rows;
}

/** The row estimate of the plan the connection keeps for the prepared statement with this text. */
async function cachedEstimate(db: Db, text: string, args: string): Promise<number> {
  const named = await db.query<{ name: string }>('SELECT name FROM pg_prepared_statements WHERE statement = $1', [
    text,
  ]);
  const { rows } = await db.query<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>(
    `EXPLAIN (FORMAT JSON) EXECUTE ${named.rows[0]?.name}(${args})`,
  );
  return rows[0]?.['QUERY PLAN'][0]?.Plan['Plan Rows'] as number;
}

/**
 * A statement planned while its table was empty keeps that plan as the table grows (no ANALYZE
 * here), until the connection has aged past its first replan (1 s, on a clock the test moves).
 */
async function expectPlansToFollowTheTable(open: () => Promise<{ db: Db; close: () => Promise<void> }>) {
  vi.useFakeTimers({ toFake: ['Date'] });
  const { db, close } = await open();
  try {
    await db.query('CREATE TABLE grown (id bigserial primary key, k int NOT NULL) WITH (autovacuum_enabled = false)');
    await db.query('CREATE INDEX grown_k ON grown (k)');
    const text = 'SELECT id FROM grown WHERE k = $1';
    await db.query(text, [1], { prepare: true });
    const planned = await cachedEstimate(db, text, '1');
    await db.query('INSERT INTO grown (k) SELECT i % 1000 FROM generate_series(1, 50000) AS i');
    await db.query(text, [1]);
    expect(await cachedEstimate(db, text, '1')).toBe(planned);
    vi.setSystemTime(Date.now() + 1_000);
    await db.query(text, [1]);
    expect(await cachedEstimate(db, text, '1')).toBeGreaterThan(planned * 10);
  } finally {
    vi.useRealTimers();
    await close();
  }
}

async function planCacheMode(db: Db): Promise<string | undefined> {
  return (await db.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode')).rows[0]?.plan_cache_mode;
}

describe('Db adapter on postgres, prepared statements', () => {
  let database: TestPgDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await createTestPgDatabase();
    // One connection: every statement below runs where the checks look.
    db = database.open({ max: 1 });
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  const preparedAs = (text: string) => plansOf(db, text);

  it('when a statement runs a second time, then it is prepared on the connection and planned generically from its first prepared run', async () => {
    expect(await planCacheMode(db)).toBe('force_generic_plan');
    const text = `SELECT $1::int + 1 AS next_${Date.now()}`;
    await db.query(text, [1]);
    expect(await preparedAs(text)).toEqual([]);
    await db.transaction((tx) => tx.query(text, [2]));
    await db.query(text, [3]);
    expect(await preparedAs(text)).toEqual([{ generic: 2, custom: 0 }]);
  });

  it('when a statement is marked prepare, then it is prepared from its first run; a utility statement never is', async () => {
    const marked = `SELECT $1::text AS marked_${Date.now()}`;
    await db.query(marked, ['a'], { prepare: true });
    expect(await preparedAs(marked)).toEqual([{ generic: 1, custom: 0 }]);
    const utility = `SET application_name = 'ordo_prepared_test'`;
    await db.query(utility);
    await db.query(utility);
    expect((await db.query('SELECT 1 FROM pg_prepared_statements WHERE statement = $1', [utility])).rowCount).toBe(0);
  });

  it('when a schema change alters the rows of a prepared statement, then the run that meets it fails and the next runs on a fresh connection with the new rows', async () => {
    await db.query('CREATE TABLE reshaped (id int primary key)');
    await db.query('INSERT INTO reshaped VALUES (1)');
    const text = 'SELECT * FROM reshaped ORDER BY id';
    const read = () => db.transaction((tx) => tx.query(text));
    await read();
    await read();
    expect(await preparedAs(text)).toHaveLength(1);
    await db.query(`ALTER TABLE reshaped ADD COLUMN note text NOT NULL DEFAULT 'new'`);
    await expect(read()).rejects.toThrow('cached plan must not change result type');
    expect((await read()).rows).toEqual([{ id: 1, note: 'new' }]);
    // Outside a transaction too: the pool drops a connection whose statement failed.
    await db.query(text);
    await db.query(`ALTER TABLE reshaped DROP COLUMN note`);
    await expect(db.query(text)).rejects.toThrow('cached plan must not change result type');
    expect((await db.query(text)).rows).toEqual([{ id: 1 }]);
  });

  it('when a table grows after a statement was planned, then the connection plans it again as it ages, with the table as it is', async () => {
    await expectPlansToFollowTheTable(async () => {
      const grown = await createTestPgDatabase();
      const single = grown.open({ max: 1 });
      return { db: single, close: () => single.close().then(() => grown.drop()) };
    });
  });
});

describe('Db adapter on pglite, prepared statements', () => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestPgliteDb();
  });
  afterAll(() => db.close());

  const preparedAs = (text: string) => plansOf(db, text);

  it('when a statement with parameters runs, then it is prepared and planned generically, and its rows come back as PGlite decodes them itself', async () => {
    expect(await planCacheMode(db)).toBe('force_generic_plan');
    await db.query('CREATE TABLE typed (id int8 primary key, at timestamptz, doc jsonb, tags text[])');
    const insert = 'INSERT INTO typed VALUES ($1, $2, $3, $4)';
    const at = new Date('2026-12-07T10:00:00.000Z');
    await db.transaction(async (tx) => {
      await tx.query(insert, [1, at, JSON.stringify({ a: 1 }), ['x', 'y']]);
      await tx.query(insert, [2, null, null, null]);
    });
    const select = 'SELECT id, at, doc, tags FROM typed WHERE id = ANY($1::int8[]) ORDER BY id';
    const inTx = await db.transaction((tx) => tx.query(select, [[1, 2]]));
    expect(inTx).toEqual(await db.query(select, [[1, 2]]));
    // Without parameters a statement goes over the simple protocol, decoded by PGlite itself.
    const simple = await db.query(select.replace('$1::int8[]', `'{1,2}'::int8[]`));
    expect(inTx).toEqual(simple);
    expect(inTx.rows).toEqual([
      { id: 1, at, doc: { a: 1 }, tags: ['x', 'y'] },
      { id: 2, at: null, doc: null, tags: null },
    ]);
    expect(inTx.rowCount).toBe(2);
    expect(await preparedAs(insert)).toEqual([{ generic: 2, custom: 0 }]);
    expect(await preparedAs(select)).toEqual([{ generic: 2, custom: 0 }]);
  });

  it('when a prepared statement fails, then the transaction rolls back with its error and the next one runs', async () => {
    await db.query('CREATE TABLE unique_ids (id int primary key)');
    const insert = 'INSERT INTO unique_ids VALUES ($1)';
    await db.transaction((tx) => tx.query(insert, [1]));
    await expect(db.transaction((tx) => tx.query(insert, [1]))).rejects.toMatchObject({ code: '23505' });
    await db.transaction((tx) => tx.query(insert, [2]));
    expect((await db.query('SELECT count(*)::int AS n FROM unique_ids')).rows).toEqual([{ n: 2 }]);
  });

  it('when a schema change alters the rows of a prepared statement, then the run that meets it fails and the next one prepares it again', async () => {
    await db.query('CREATE TABLE reshaped (id int primary key)');
    await db.query('INSERT INTO reshaped VALUES (1)');
    const text = 'SELECT * FROM reshaped WHERE id >= $1 ORDER BY id';
    const read = () => db.transaction((tx) => tx.query(text, [0]));
    await read();
    await db.query(`ALTER TABLE reshaped ADD COLUMN note text NOT NULL DEFAULT 'new'`);
    await expect(read()).rejects.toThrow('cached plan must not change result type');
    expect((await read()).rows).toEqual([{ id: 1, note: 'new' }]);
  });

  it('when a table grows after a statement was planned, then the database plans it again as it ages, with the table as it is', async () => {
    await expectPlansToFollowTheTable(async () => {
      const grown = await createTestPgliteDb();
      return { db: grown, close: () => grown.close() };
    });
  });
});

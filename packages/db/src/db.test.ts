import { createTestPgDatabase, createTestPgliteDb, type TestPgDatabase } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from './db.port.js';
import { kysely } from './kysely.js';
import { migrate } from './migrations.js';
import { together } from './together.js';

const shapes: Array<[string, () => Promise<{ db: Db; cleanup: () => Promise<void> }>]> = [
  [
    'postgres',
    async () => {
      const database: TestPgDatabase = await createTestPgDatabase();
      const db = database.open();
      return {
        db,
        cleanup: async () => {
          await db.close();
          await database.drop();
        },
      };
    },
  ],
  [
    'pglite',
    async () => {
      const db = await createTestPgliteDb();
      return { db, cleanup: () => db.close() };
    },
  ],
];

describe.each(shapes)('Db adapter on %s', (_name, open) => {
  let db: Db;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ db, cleanup } = await open());
  });
  afterAll(() => cleanup());

  it('when a transaction throws, then nothing it wrote is kept', async () => {
    await db.query('CREATE TABLE t1 (id int primary key, n int8)');
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t1 VALUES (1, 10)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await db.query('SELECT count(*)::int AS c FROM t1')).rows[0]).toEqual({ c: 0 });
  });

  it('when a transaction resolves, then its writes are committed and int8 comes back as a number', async () => {
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO t1 VALUES (2, 9007199254740000)');
    });
    const { rows } = await db.query<{ n: number }>('SELECT n FROM t1 WHERE id = 2');
    expect(rows[0]?.n).toBe(9007199254740000);
  });

  it('when a statement runs, then rowCount counts rows written, or rows returned for a SELECT', async () => {
    await db.query('CREATE TABLE t_rc (id int)');
    expect((await db.query('INSERT INTO t_rc VALUES ($1), ($2)', [1, 2])).rowCount).toBe(2);
    expect((await db.query('SELECT * FROM t_rc WHERE id > $1', [0])).rowCount).toBe(2);
    expect((await db.query('UPDATE t_rc SET id = id + 10 WHERE id = $1', [1])).rowCount).toBe(1);
    expect((await db.query('DELETE FROM t_rc WHERE id = $1', [99])).rowCount).toBe(0);
  });

  it('when an isolation level is asked for, then the transaction runs at it', async () => {
    const level = await db.transaction(
      async (tx) => (await tx.query<{ l: string }>("SELECT current_setting('transaction_isolation') AS l")).rows[0],
      { isolation: 'serializable' },
    );
    expect(Object.values(level ?? {})[0]).toBe('serializable');
  });

  it('when a notification is sent, then a listener receives it after commit', async () => {
    const received: string[] = [];
    const unlisten = await db.listen('ordo_test_channel', (p) => received.push(p));
    await db.transaction(async (tx) => {
      await tx.query(`SELECT pg_notify('ordo_test_channel', 'hello')`);
    });
    await expect.poll(() => received).toEqual(['hello']);
    await unlisten();
  });

  it('when migrations run twice, then each applies once; an edited migration is refused', async () => {
    const migrations = [{ id: 'm1', sql: 'CREATE TABLE {{schema}}.things (id int)' }];
    expect(await migrate(db, 'svc_a', migrations)).toEqual(['m1']);
    expect(await migrate(db, 'svc_a', migrations)).toEqual([]);
    await expect(migrate(db, 'svc_a', [{ id: 'm1', sql: 'CREATE TABLE {{schema}}.other (id int)' }])).rejects.toThrow(
      /changed after it was applied/,
    );
  });

  it('when Kysely is bound to a transaction, then its queries join that transaction', async () => {
    interface Schema {
      t1: { id: number; n: number };
    }
    await expect(
      db.transaction(async (tx) => {
        await kysely<Schema>(tx).insertInto('t1').values({ id: 3, n: 1 }).execute();
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const rows = await kysely<Schema>(db).selectFrom('t1').selectAll().where('id', '=', 3).execute();
    expect(rows).toEqual([]);
  });

  it('when a transaction commits, then its after-commit callbacks run after the commit, in order; after a rollback, never', async () => {
    await db.query('CREATE TABLE after_commit_t (id int)');
    const seen: string[] = [];
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO after_commit_t VALUES (1)');
      tx.afterCommit?.(() => seen.push('first'));
      tx.afterCommit?.(() => {
        throw new Error('ignored: the data is committed either way');
      });
      tx.afterCommit?.(() => seen.push('third'));
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual(['first', 'third']);

    await expect(
      db.transaction(async (tx) => {
        tx.afterCommit?.(() => seen.push('rolled back'));
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(seen).toEqual(['first', 'third']);
  });

  it('when a transaction ends, then its before-commit callbacks run in it after its work, in order; one that throws rolls it back', async () => {
    await db.query('CREATE TABLE before_commit_t (id int, note text)');
    const seen: string[] = [];
    await db.transaction(async (tx) => {
      tx.beforeCommit?.(async () => {
        seen.push('first');
        await tx.query(`INSERT INTO before_commit_t VALUES (2, 'written before the commit')`);
      });
      tx.beforeCommit?.(async () => void seen.push('second'));
      await tx.query(`INSERT INTO before_commit_t VALUES (1, 'the work')`);
      seen.push('work done');
    });
    expect(seen).toEqual(['work done', 'first', 'second']);
    expect((await db.query('SELECT id FROM before_commit_t ORDER BY id')).rows).toEqual([{ id: 1 }, { id: 2 }]);

    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO before_commit_t VALUES (3, 'rolled back')`);
        tx.beforeCommit?.(async () => {
          throw new Error('refused before the commit');
        });
      }),
    ).rejects.toThrow('refused before the commit');
    expect((await db.query('SELECT count(*)::int AS n FROM before_commit_t')).rows).toEqual([{ n: 2 }]);
  });
  it('when statements of a transaction are issued together, then each answers for itself, in order, inside the transaction', async () => {
    await db.query('CREATE TABLE together_t (id int primary key)');
    const [first, second, counted] = await db.transaction((tx) =>
      Promise.all([
        tx.query('INSERT INTO together_t VALUES ($1) RETURNING id', [1]),
        tx.query('INSERT INTO together_t VALUES ($1), ($2)', [2, 3]),
        tx.query<{ n: number }>('SELECT count(*)::int AS n FROM together_t'),
      ]),
    );
    expect(first.rows).toEqual([{ id: 1 }]);
    expect(second.rowCount).toBe(2);
    expect(counted.rows).toEqual([{ n: 3 }]);

    await expect(
      db.transaction(async (tx) => {
        const outcomes = await Promise.allSettled([
          tx.query('INSERT INTO together_t VALUES ($1)', [4]),
          tx.query('INSERT INTO together_t VALUES ($1)', [1]),
          tx.query('INSERT INTO together_t VALUES ($1)', [5]),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
        throw (outcomes[1] as PromiseRejectedResult).reason;
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect((await db.query('SELECT count(*)::int AS n FROM together_t')).rows).toEqual([{ n: 3 }]);
  });

  it('when work issued together fails, then the transaction ends after every part settled and a part that went on wrote nothing', async () => {
    await db.query('CREATE TABLE late_t (id int)');
    await expect(
      db.transaction((tx) =>
        together(
          tx.query('SELECT 1').then(() => tx.query('INSERT INTO late_t VALUES (1)')),
          tx.query('SELECT 1 / $1::int', [0]),
        ),
      ),
    ).rejects.toMatchObject({ code: '22012' });
    expect((await db.query('SELECT count(*)::int AS n FROM late_t')).rows).toEqual([{ n: 0 }]);
  });

  it('when a statement fails and the transaction carries on, then it ends as a rollback and says so', async () => {
    await db.query('CREATE TABLE carried_on_t (id int primary key)');
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO carried_on_t VALUES (1)');
        await tx.query('INSERT INTO carried_on_t VALUES (1)').catch(() => undefined);
      }),
    ).rejects.toThrow(/rolled back/);
    expect((await db.query('SELECT count(*)::int AS n FROM carried_on_t')).rows).toEqual([{ n: 0 }]);
  });

  it('when the first statement of a transaction fails, then the transaction fails with its error and the next one runs', async () => {
    await db.query('CREATE TABLE first_fails_t (id int primary key)');
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO first_fails_t VALUES ($1)', ['not a number']);
      }),
    ).rejects.toMatchObject({ code: '22P02' });
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO first_fails_t VALUES ($1)', [1]);
    });
    expect((await db.query('SELECT id FROM first_fails_t')).rows).toEqual([{ id: 1 }]);
  });

  it('when work under a savepoint throws, then its writes and its undo callbacks are undone, newest first, and the transaction carries on to commit', async () => {
    await db.query('CREATE TABLE savepoint_t (id int primary key)');
    const kept: string[] = [];
    const undone: string[] = [];
    const failure = new Error('step failed');
    const outcome = await db.transaction(async (tx) => {
      await tx.query('INSERT INTO savepoint_t VALUES (1)');
      tx.onUndo?.(() => undone.push('outside'));
      const ok = await tx.savepoint?.(async () => {
        await tx.query('INSERT INTO savepoint_t VALUES (2)');
        tx.onUndo?.(() => undone.push('ok'));
        kept.push('ok');
        return 'value';
      });
      const failed = await tx.savepoint?.(async () => {
        await tx.query('INSERT INTO savepoint_t VALUES (3)');
        tx.onUndo?.(() => undone.push('first'));
        tx.onUndo?.(() => undone.push('second'));
        await tx.query('INSERT INTO savepoint_t VALUES (3)');
      });
      await tx.query('INSERT INTO savepoint_t VALUES (4)');
      return { ok, failed };
    });
    expect(outcome.ok).toEqual({ ok: true, value: 'value' });
    expect(outcome.failed).toMatchObject({ ok: false, error: { code: '23505' } });
    expect(undone).toEqual(['second', 'first']);
    expect(kept).toEqual(['ok']);
    const { rows } = await db.query<{ id: number }>('SELECT id FROM savepoint_t ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual([1, 2, 4]);

    const thrown = await db.transaction(async (tx) => tx.savepoint?.(() => Promise.reject(failure)));
    expect(thrown).toEqual({ ok: false, error: failure });
  });

  it('when an outer savepoint is rolled back, then the work of a savepoint inside it that succeeded is undone too', async () => {
    await db.query('CREATE TABLE nested_savepoint_t (id int primary key)');
    const undone: string[] = [];
    const outcome = await db.transaction(async (tx) =>
      tx.savepoint?.(async () => {
        const inner = await tx.savepoint?.(async () => {
          await tx.query('INSERT INTO nested_savepoint_t VALUES (1)');
          tx.onUndo?.(() => undone.push('inner'));
        });
        expect(inner).toEqual({ ok: true, value: undefined });
        tx.onUndo?.(() => undone.push('outer'));
        throw new Error('outer failed');
      }),
    );
    expect(outcome).toMatchObject({ ok: false, error: { message: 'outer failed' } });
    expect(undone).toEqual(['outer', 'inner']);
    expect((await db.query('SELECT count(*)::int AS n FROM nested_savepoint_t')).rows).toEqual([{ n: 0 }]);
  });

  it('when ROLLBACK TO SAVEPOINT is sent as a statement, then it is refused (it would not undo the work kept for the commit)', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query('SAVEPOINT raw');
        await tx.query('ROLLBACK TO SAVEPOINT raw');
      }),
    ).rejects.toThrow(/tx\.savepoint/);
    await expect(db.transaction((tx) => tx.query('rollback  to raw'))).rejects.toThrow(/tx\.savepoint/);
  });
});

describe('Db adapter on postgres, a statement that carries the COMMIT', () => {
  let database: TestPgDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await createTestPgDatabase();
    db = database.open();
    await db.query('CREATE TABLE carried_t (id int primary key, note text)');
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  const visibleElsewhere = async (id: number): Promise<boolean> =>
    (await db.query('SELECT 1 FROM carried_t WHERE id = $1', [id])).rowCount === 1;

  it('when the last before-commit callback marks its statement commit, then the transaction has committed once it answers', async () => {
    let seenFromAnotherConnection: boolean | undefined;
    await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO carried_t VALUES (1, 'the work')`);
      tx.beforeCommit?.(async () => {
        await tx.query(`INSERT INTO carried_t VALUES (2, 'the last statement')`, [], { commit: true });
        seenFromAnotherConnection = (await visibleElsewhere(1)) && (await visibleElsewhere(2));
      });
    });
    expect(seenFromAnotherConnection).toBe(true);
  });

  it('when a statement follows the one that carried the COMMIT, then it is refused instead of running outside the transaction', async () => {
    await expect(
      db.transaction(async (tx) => {
        tx.beforeCommit?.(async () => {
          await tx.query(`INSERT INTO carried_t VALUES (3, 'committed')`, [], { commit: true });
          await tx.query(`INSERT INTO carried_t VALUES (4, 'too late')`);
        });
      }),
    ).rejects.toThrow(/already ended/);
    expect(await visibleElsewhere(3)).toBe(true);
    expect(await visibleElsewhere(4)).toBe(false);
  });

  it('when a callback registered after it throws, then a statement marked commit did not commit (only the last callback may carry it)', async () => {
    await expect(
      db.transaction(async (tx) => {
        tx.beforeCommit?.(async () => {
          await tx.query(`INSERT INTO carried_t VALUES (5, 'not the last callback')`, [], { commit: true });
        });
        tx.beforeCommit?.(async () => {
          throw new Error('refused by the last callback');
        });
      }),
    ).rejects.toThrow('refused by the last callback');
    expect(await visibleElsewhere(5)).toBe(false);
  });

  it('when the statement marked commit fails, then nothing of the transaction is kept', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO carried_t VALUES (6, 'the work')`);
        tx.beforeCommit?.(async () => {
          await tx.query(`INSERT INTO carried_t VALUES (6, 'a duplicate')`, [], { commit: true });
        });
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await visibleElsewhere(6)).toBe(false);
    await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO carried_t VALUES (7, 'the connection is usable')`);
    });
    expect(await visibleElsewhere(7)).toBe(true);
  });
});

describe('Db adapter on postgres, when the LISTEN connection is lost', () => {
  let database: TestPgDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await createTestPgDatabase();
    db = database.open();
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  it('when the server ends the listening connection, then it is opened again and notifications arrive again', async () => {
    const received: string[] = [];
    const unlisten = await db.listen('ordo_test_reconnect', (p) => received.push(p));
    const notify = (payload: string) => db.query(`SELECT pg_notify('ordo_test_reconnect', $1)`, [payload]);
    await notify('before');
    await expect.poll(() => received).toEqual(['before']);

    // Ends every backend that listens on the channel, as a server restart or a network cut would.
    const { rows } = await db.query<{ ended: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
       WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
    );
    expect(rows.map((r) => r.ended)).toEqual([true]);

    // Notifications sent before the new connection listens are lost (polling covers them): keep
    // notifying until one gets through.
    await expect
      .poll(
        async () => {
          await notify('after');
          return received.includes('after');
        },
        { timeout: 20_000, interval: 200 },
      )
      .toBe(true);
    await unlisten();
  });
});

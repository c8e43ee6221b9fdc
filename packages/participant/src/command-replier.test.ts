import { type Db, migrate } from '@ordo/db';
import type { Envelope } from '@ordo/messaging';
import { OutboxWriter, outboxMigrations } from '@ordo/outbox';
import { createTestPgliteDb } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandReplier, DEFER, participantMigrations } from './command-replier.js';

describe('CommandReplier', () => {
  let db: Db;
  const writer = new OutboxWriter('part');
  const replier = new CommandReplier('part', writer, 'part.replies');
  const envelope = (commandId: string): Envelope => ({
    id: `msg-${commandId}-${Math.random()}`,
    type: 'part.do.v1',
    key: 'saga-1',
    seq: 1,
    occurredAt: new Date().toISOString(),
    correlationId: 'corr-1',
    causationId: null,
    traceparent: null,
    payload: { sagaId: 'saga-1', commandId },
  });

  beforeAll(async () => {
    db = await createTestPgliteDb();
    await migrate(db, 'part', [...outboxMigrations, ...participantMigrations]);
  });
  afterAll(() => db.close());

  const replies = async () =>
    (
      await db.query<{ type: string; payload: Record<string, unknown>; correlation_id: string }>(
        `SELECT type, payload, correlation_id FROM part.outbox WHERE topic = 'part.replies' ORDER BY id`,
      )
    ).rows;

  it('when a command is seen for the first time, then decide runs once and its reply is sent with the saga fields', async () => {
    let runs = 0;
    const outcome = await db.transaction((tx) =>
      replier.handle(tx, envelope('c1'), { sagaId: 'saga-1', commandId: 'c1' }, async () => {
        runs++;
        return { type: 'part.done.v1', payload: { result: 42 } };
      }),
    );
    expect(outcome).toBe('decided');
    expect(runs).toBe(1);
    expect(await replies()).toEqual([
      {
        type: 'part.done.v1',
        payload: { result: 42, sagaId: 'saga-1', commandId: 'c1' },
        correlation_id: 'corr-1',
      },
    ]);
  });

  it('when the same command id comes again (a retry), then decide does not run and the stored reply is sent again', async () => {
    const outcome = await db.transaction((tx) =>
      replier.handle(tx, envelope('c1'), { sagaId: 'saga-1', commandId: 'c1' }, async () => {
        throw new Error('must not run');
      }),
    );
    expect(outcome).toBe('repeated');
    const all = await replies();
    expect(all).toHaveLength(2);
    expect(all[1]?.payload).toEqual(all[0]?.payload);
  });

  it('when decide fails, then nothing is stored and the next attempt decides again', async () => {
    await expect(
      db.transaction((tx) =>
        replier.handle(tx, envelope('c2'), { sagaId: 'saga-1', commandId: 'c2' }, async () => {
          throw new Error('transient');
        }),
      ),
    ).rejects.toThrow('transient');
    const outcome = await db.transaction((tx) =>
      replier.handle(tx, envelope('c2'), { sagaId: 'saga-1', commandId: 'c2' }, async () => ({
        type: 'part.done.v1',
        payload: {},
      })),
    );
    expect(outcome).toBe('decided');
  });

  it('when a command is deferred, then no reply is sent, a retry stays waiting, and complete sends the reply once', async () => {
    const before = (await replies()).length;
    const first = await db.transaction((tx) =>
      replier.handle(tx, envelope('c3'), { sagaId: 'saga-1', commandId: 'c3' }, async () => DEFER),
    );
    expect(first).toBe('deferred');
    const retry = await db.transaction((tx) =>
      replier.handle(tx, envelope('c3'), { sagaId: 'saga-1', commandId: 'c3' }, async () => {
        throw new Error('must not run while deferred');
      }),
    );
    expect(retry).toBe('still-deferred');
    expect(await replies()).toHaveLength(before);
    expect(
      await db.transaction((tx) => replier.complete(tx, 'c3', { type: 'part.done.v1', payload: { late: true } })),
    ).toBe(true);
    expect(await db.transaction((tx) => replier.complete(tx, 'c3', { type: 'part.done.v1', payload: {} }))).toBe(false);
    const all = await replies();
    expect(all).toHaveLength(before + 1);
    expect(all.at(-1)).toMatchObject({
      type: 'part.done.v1',
      payload: { late: true, sagaId: 'saga-1', commandId: 'c3' },
      correlation_id: 'corr-1',
    });
    // A retry after completion gets the stored reply.
    const after = await db.transaction((tx) =>
      replier.handle(tx, envelope('c3'), { sagaId: 'saga-1', commandId: 'c3' }, async () => DEFER),
    );
    expect(after).toBe('repeated');
  });
});

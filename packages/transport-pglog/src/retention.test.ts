import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPglogTransport, type PglogTransport } from './pglog.transport.js';
import { type ShapeFixture, shapes, testMessage, uniqueTopic } from './test-shapes.js';

describe.each(shapes)('pglog retention on %s', (_shape, open) => {
  let fixture: ShapeFixture;
  let transport: PglogTransport;

  beforeAll(async () => {
    fixture = await open();
    transport = await createPglogTransport({ db: fixture.db, pruneIntervalMs: 0 });
  });
  afterAll(async () => {
    await transport.close();
    await fixture.cleanup();
  });

  const idsIn = async (topic: string): Promise<string[]> => {
    const { rows } = await fixture.db.query<{ id: string }>(
      'SELECT id FROM ordo_log.messages WHERE topic = $1 ORDER BY position',
      [topic],
    );
    return rows.map((r) => r.id);
  };
  const backdate = (topic: string, ids: string[], age: string) =>
    fixture.db.query(
      `UPDATE ordo_log.messages SET created_at = now() - $3::interval WHERE topic = $1 AND id = ANY($2::text[])`,
      [topic, ids, age],
    );

  it('when a topic keeps at most N messages, then prune removes the oldest beyond N and their leases', async () => {
    const topic = uniqueTopic('count');
    await transport.ensureTopic(topic, { maxMessages: 2 });
    await transport.publish(['a', 'b', 'c', 'd', 'e'].map((id) => testMessage(topic, id)));
    const subscription = await transport.subscribe({ topic, group: 'g', ackWaitMs: 30_000 });
    expect(await subscription.fetch(1, 1_000)).toHaveLength(1); // leases 'a'

    const { deleted } = await transport.prune();

    expect(deleted).toBeGreaterThanOrEqual(3);
    expect(await idsIn(topic)).toEqual(['d', 'e']);
    const { rows } = await fixture.db.query<{ c: number }>(
      'SELECT count(*)::int AS c FROM ordo_log.pending WHERE topic = $1',
      [topic],
    );
    expect(rows[0]?.c).toBe(0);
    expect((await subscription.fetch(10, 1_000)).map((d) => d.message.id)).toEqual(['d', 'e']);
    await subscription.close();
  });

  it('when messages are older than the default 7 days, then prune removes them from a never-configured topic', async () => {
    const topic = uniqueTopic('default-age');
    await transport.publish(['old1', 'old2', 'fresh'].map((id) => testMessage(topic, id)));
    await backdate(topic, ['old1', 'old2'], '8 days');

    await transport.prune();

    expect(await idsIn(topic)).toEqual(['fresh']);
  });

  it('when a topic sets a max age, then prune keeps what is younger and ensureTopic can change it', async () => {
    const topic = uniqueTopic('max-age');
    await transport.ensureTopic(topic, { maxAgeMs: 60 * 60 * 1000 });
    await transport.ensureTopic(topic, { maxAgeMs: 60 * 60 * 1000 }); // idempotent
    await transport.publish(['two-hours', 'ten-minutes', 'now'].map((id) => testMessage(topic, id)));
    await backdate(topic, ['two-hours'], '2 hours');
    await backdate(topic, ['ten-minutes'], '10 minutes');

    await transport.prune();
    expect(await idsIn(topic)).toEqual(['ten-minutes', 'now']);

    await transport.ensureTopic(topic, { maxAgeMs: 5 * 60 * 1000 });
    await transport.prune();
    expect(await idsIn(topic)).toEqual(['now']);
  });

  it('when a pruned id is published again, then it is stored anew (dedup lasts as long as retention)', async () => {
    const topic = uniqueTopic('redup');
    await transport.publish([testMessage(topic, 'x')]);
    await backdate(topic, ['x'], '8 days');
    await transport.prune();
    await transport.publish([testMessage(topic, 'x')]);
    expect(await idsIn(topic)).toEqual(['x']);
  });

  it('when topic limits are not positive integers, then ensureTopic refuses them', async () => {
    await expect(transport.ensureTopic(uniqueTopic('bad'), { maxMessages: 0 })).rejects.toMatchObject({
      code: 'ORDO_ERR_CONFIG_INVALID',
    });
  });
});

// Conformance cases about delivery: crashes around the ack, duplicates from the transport,
// competing consumer processes, and the graceful drain.
import { toTransportMessage } from '@ordo/messaging';
import { expect, it } from 'vitest';
import { spawnConsumer } from './spawn.js';
import type { SuiteContext } from './suite.js';

const slow = { timeout: 60_000 };

export function deliveryCases(suite: SuiteContext): void {
  if (suite.shape.multiProcess) {
    it('a. when a consumer process is killed after its commit but before its ack, then the message is applied exactly once (redelivered and recognised, or acknowledged in the same commit)', async () => {
      const f = await suite.fixture('conf.a');
      await f.produce('k1', 5);
      await f.relay().drain();
      const victim = spawnConsumer({
        shape: suite.ctx().config,
        topic: f.topic,
        consumer: 'c.a',
        worker: 'victim',
        faults: 'consumer.afterCommit=exit@1',
        ackWaitMs: 1_000,
        concurrency: 1,
      });
      const exit = await victim.exited;
      expect(exit.signal).toBe('SIGKILL');
      // It died after committing the first message, before acknowledging it.
      expect(await f.effects('c.a')).toHaveLength(1);

      const survivor = f.consumer('c.a', { worker: 'survivor', ackWaitMs: 1_000 });
      await survivor.start();
      await expect.poll(() => f.effectCount('c.a'), slow).toEqual({ total: 5, distinct: 5 });
      if (suite.ctx().transport.features.ackWithinTransaction) {
        // The ack committed with the effect, so the message never came back.
        expect(survivor.stats.get('duplicate')).toBe(0);
      } else {
        // The committed-but-unacked message came back and was recognised, not applied again.
        await expect.poll(() => survivor.stats.get('duplicate'), slow).toBeGreaterThanOrEqual(1);
      }
      expect((await f.effects('c.a')).map((e) => e.n)).toEqual([1, 2, 3, 4, 5]);
    });
  }

  it('d. when the transport delivers duplicates of messages, then each effect is applied once', async () => {
    await duplicatesApplyOnce(suite, 'c.d', 1);
  });

  it('d2. when duplicates arrive within one transaction batch, then each effect is applied once', async () => {
    await duplicatesApplyOnce(suite, 'c.d2', 16);
  });

  if (suite.shape.multiProcess) {
    it('g. when three consumer processes share a group and one is killed mid-stream, then the load is shared and nothing is lost or applied twice', async () => {
      const f = await suite.fixture('conf.g');
      const workers = ['w1', 'w2', 'w3'].map((worker) =>
        spawnConsumer({ shape: suite.ctx().config, topic: f.topic, consumer: 'c.g', worker, ackWaitMs: 1_000 }),
      );
      try {
        await expect.poll(() => workers.every((w) => w.has('ready')), slow).toBe(true);
        // Enough for the killed worker to die mid-stream with work left for the other two.
        const total = 1_500;
        for (let batch = 0; batch < total / 100; batch++) {
          await f.db.transaction((tx) =>
            f.writer.write(
              tx,
              Array.from({ length: 100 }, (_, i) => ({
                topic: f.topic,
                type: 'thing.happened.v1',
                key: `g${i % 30}`,
                payload: { n: batch * 100 + i },
              })),
            ),
          );
        }
        const relay = f.relay();
        await relay.start();
        const victim = workers[0]!;
        await expect.poll(() => victim.processed, slow).toBeGreaterThanOrEqual(50);
        victim.kill('SIGKILL');
        await victim.exited;
        await expect.poll(async () => (await f.effectCount('c.g')).distinct, { timeout: 120_000 }).toBe(total);
        await relay.stop();
        const counts = await f.db.query<{ worker: string; n: number }>(
          `SELECT worker, count(*)::int AS n FROM svc.effects WHERE consumer = 'c.g' GROUP BY worker ORDER BY worker`,
        );
        expect(await f.effectCount('c.g')).toEqual({ total, distinct: total });
        expect(counts.rows.map((r) => r.worker)).toEqual(['w1', 'w2', 'w3']);
        for (const row of counts.rows) expect(row.n).toBeGreaterThan(0);
      } finally {
        for (const w of workers) w.kill('SIGKILL');
        await Promise.all(workers.map((w) => w.exited));
      }
    }, 240_000);

    it('j. when a consumer process gets SIGTERM while processing, then in-flight work finishes and is acked and nothing is redelivered', async () => {
      const f = await suite.fixture('conf.j');
      for (let k = 0; k < 5; k++) await f.produce(`j${k}`, 4);
      await f.relay().drain();
      const child = spawnConsumer({
        shape: suite.ctx().config,
        topic: f.topic,
        consumer: 'c.j',
        worker: 'terminated',
        handlerDelayMs: 150,
        concurrency: 4,
        ackWaitMs: 1_000,
      });
      await expect.poll(() => child.has('processing'), slow).toBe(true);
      child.kill('SIGTERM');
      const exit = await child.exited;
      expect(exit.code).toBe(0);
      const drained = child.reports.find((r) => r.type === 'drained');
      expect(drained && drained.type === 'drained' && drained.processed).toBeGreaterThan(0);
      const finished = drained?.type === 'drained' ? drained.processed : 0;
      // Everything the child started was committed before it exited.
      expect((await f.effectCount('c.j')).distinct).toBe(finished);

      const next = f.consumer('c.j', { worker: 'next', ackWaitMs: 1_000 });
      await next.start();
      await expect.poll(async () => (await f.effectCount('c.j')).distinct, slow).toBe(20);
      // Longer than the ack wait: an unacked message of the child would be back by now.
      await new Promise((r) => setTimeout(r, 2_500));
      expect(next.stats.get('duplicate') + next.stats.get('stale')).toBe(0);
      expect(await f.effectCount('c.j')).toEqual({ total: 20, distinct: 20 });
    });
  } else {
    it('j. when a consumer is stopped while processing, then in-flight work finishes and is acked and nothing is redelivered', async () => {
      const f = await suite.fixture('conf.j');
      for (let k = 0; k < 5; k++) await f.produce(`j${k}`, 4);
      await f.relay().drain();
      let started = 0;
      const first = f.consumer('c.j', {
        ackWaitMs: 1_000,
        concurrency: 4,
        handlers: {
          'thing.happened.v1': async (_p, ctx) => {
            started++;
            await new Promise((r) => setTimeout(r, 100));
            await ctx.tx.query(
              `INSERT INTO svc.effects (consumer, message_id, key, seq, n, worker) VALUES ('c.j', $1, $2, $3, 0, 'first')`,
              [ctx.envelope.id, ctx.envelope.key, ctx.envelope.seq],
            );
          },
        },
      });
      await first.start();
      await expect.poll(() => started, slow).toBeGreaterThan(0);
      await first.stop();
      const finished = first.stats.get('processed');
      expect(finished).toBe(started);
      expect((await f.effectCount('c.j')).distinct).toBe(finished);
      const next = f.consumer('c.j', { worker: 'next', ackWaitMs: 1_000 });
      await next.start();
      await expect.poll(async () => (await f.effectCount('c.j')).distinct, slow).toBe(20);
      await new Promise((r) => setTimeout(r, 2_500));
      expect(next.stats.get('duplicate') + next.stats.get('stale')).toBe(0);
    });
  }
}

async function duplicatesApplyOnce(suite: SuiteContext, name: string, transactionBatchSize: number): Promise<void> {
  const f = await suite.fixture(`conf.${name}`);
  const envelopes = [...(await f.produce('d1', 3)), ...(await f.produce('d2', 2))];
  // The same envelopes under other transport ids, so broker-side dedup cannot catch them.
  for (const copy of ['', ':dup1', ':dup2']) {
    await f.transport.publish(envelopes.map((e) => ({ ...toTransportMessage(f.topic, e), id: `${e.id}${copy}` })));
  }
  const consumer = f.consumer(name, { transactionBatchSize });
  await consumer.start();
  await expect.poll(() => f.effectCount(name), slow).toEqual({ total: 5, distinct: 5 });
  await expect.poll(() => consumer.stats.get('duplicate') + consumer.stats.get('stale'), slow).toBe(10);
  expect(await f.effectCount(name)).toEqual({ total: 5, distinct: 5 });
}

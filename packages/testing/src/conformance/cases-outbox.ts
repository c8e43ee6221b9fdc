// Conformance cases about the outbox relay: crashes between publish and mark-sent, and
// transactions that commit out of id order.
import { Faults, InjectedFault } from '@ordo/faults';
import { expect, it } from 'vitest';
import type { SuiteContext } from './suite.js';

const slow = { timeout: 60_000 };

export function outboxCases(suite: SuiteContext): void {
  it('b. when the relay crashes between publish and mark-sent 1,000 times, then every event is delivered and applied once', async () => {
    const f = await suite.fixture('conf.b');
    const faults = new Faults();
    let relay = f.relay({ faults });
    const iterations = 1_000;
    for (let i = 0; i < iterations; i++) {
      await f.produce(`b${i % 10}`, 1, i);
      faults.arm('relay.afterPublish', { kind: 'throw' }, { times: 1 });
      await expect(relay.publishBatch()).rejects.toBeInstanceOf(InjectedFault);
      // A new relay takes over, as after a restart; it publishes the same row again.
      relay = f.relay({ faults });
      expect(await relay.publishBatch()).toBe(1);
    }
    expect(faults.count('relay.afterPublish')).toBe(iterations * 2);
    const consumer = f.consumer('c.b', { concurrency: 16, batchSize: 64 });
    await consumer.start();
    await expect.poll(async () => (await f.effectCount('c.b')).distinct, slow).toBe(iterations);
    expect(await f.effectCount('c.b')).toEqual({ total: iterations, distinct: iterations });
    const pending = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM svc.outbox WHERE sent_at IS NULL');
    expect(pending.rows[0]!.n).toBe(0);
  });

  if (suite.shape.multiProcess) {
    it('c. when a transaction with a lower outbox id commits after a later one, then both are published', async () => {
      const f = await suite.fixture('conf.c');
      const relay = f.relay();
      let releaseA!: () => void;
      const holdA = new Promise<void>((resolve) => {
        releaseA = resolve;
      });
      let aWrote!: () => void;
      const aWritten = new Promise<void>((resolve) => {
        aWrote = resolve;
      });
      const txA = f.db.transaction(async (tx) => {
        await f.writer.write(tx, [{ topic: f.topic, type: 'thing.happened.v1', key: 'ca', payload: { n: 1 } }]);
        aWrote();
        await holdA;
      });
      await aWritten;
      await f.produce('cb', 1, 2);
      expect(await relay.drain()).toBe(1);
      releaseA();
      await txA;
      expect(await relay.drain()).toBe(1);
      const ids = await f.db.query<{ key: string }>('SELECT key FROM svc.outbox ORDER BY id');
      expect(ids.rows.map((r) => r.key)).toEqual(['ca', 'cb']);
      const consumer = f.consumer('c.c');
      await consumer.start();
      await expect.poll(async () => (await f.effects('c.c')).map((e) => e.key).sort(), slow).toEqual(['ca', 'cb']);
    });

    it('c2. when several relays run at once, then every event is published and applied once', async () => {
      const f = await suite.fixture('conf.c2');
      const relays = [f.relay({ batchSize: 10 }), f.relay({ batchSize: 10 }), f.relay({ batchSize: 10 })];
      for (const r of relays) await r.start();
      const consumer = f.consumer('c.c2', { concurrency: 16 });
      await consumer.start();
      for (let i = 0; i < 50; i++) await f.produce(`r${i % 7}`, 6, i * 6);
      await expect.poll(async () => (await f.effectCount('c.c2')).distinct, slow).toBe(300);
      for (const r of relays) await r.stop();
      expect(await f.effectCount('c.c2')).toEqual({ total: 300, distinct: 300 });
    });
  }
}

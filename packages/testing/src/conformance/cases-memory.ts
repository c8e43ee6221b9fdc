// Conformance case about memory: dedup state lives in the database, so a long-running
// consumer's heap does not grow with the number of messages it has seen.
import { type Envelope, newMessageId, toTransportMessage } from '@ordo/messaging';
import { expect, it } from 'vitest';
import type { SuiteContext } from './suite.js';

export const MEMORY_CASE_MESSAGES = Number(process.env.ORDO_CONFORMANCE_MESSAGES ?? 100_000);

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc (vitest execArgv) to measure the heap');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

export function memoryCases(suite: SuiteContext): void {
  it(`i. when ${MEMORY_CASE_MESSAGES.toLocaleString('en')} messages pass through one consumer, then the heap after GC at the end is within 10 MB of its value at 10%`, async () => {
    const f = await suite.fixture('conf.i');
    const total = MEMORY_CASE_MESSAGES;
    const keys = 100;
    const now = new Date().toISOString();
    for (let start = 0; start < total; start += 2_000) {
      const batch = [];
      for (let i = start; i < Math.min(total, start + 2_000); i++) {
        const envelope: Envelope = {
          id: newMessageId(),
          type: 'thing.happened.v1',
          key: `m${i % keys}`,
          seq: Math.floor(i / keys) + 1,
          occurredAt: now,
          correlationId: 'memory-case',
          causationId: null,
          traceparent: null,
          payload: { n: i },
        };
        batch.push(toTransportMessage(f.topic, envelope));
      }
      await f.transport.publish(batch);
    }
    // The handler writes nothing but the inbox row and the seq: the runner is what is measured.
    // Messages commit 16 to a transaction, as projections do, so the case takes about a minute
    // per transport instead of three; the runner's in-memory parts (fetching, lanes, dispatch,
    // resequencing, stats) are the same ones a single-message commit goes through.
    const consumer = f.consumer('c.i', {
      concurrency: 16,
      batchSize: 256,
      transactionBatchSize: 16,
      handlers: { 'thing.happened.v1': async () => {} },
    });
    await consumer.start();
    const tenth = total / 10;
    await expect
      .poll(() => consumer.stats.get('processed'), { timeout: 300_000, interval: 50 })
      .toBeGreaterThanOrEqual(tenth);
    const early = heapAfterGc();
    await expect.poll(() => consumer.stats.get('processed'), { timeout: 600_000, interval: 200 }).toBe(total);
    const late = heapAfterGc();
    expect(late - early).toBeLessThan(10 * 1024 * 1024);
    const inbox = await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM svc.inbox WHERE consumer = 'c.i'`);
    expect(inbox.rows[0]!.n).toBe(total);
  }, 900_000);
}

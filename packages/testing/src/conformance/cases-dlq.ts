// Conformance cases about failures: schema-invalid messages, non-retryable and retryable
// errors, the attempt budget, and replaying dead letters.
import { AppError, Errors } from '@ordo/errors';
import { expect, it } from 'vitest';
import { recordEffect } from './kernel-fixture.js';
import type { SuiteContext } from './suite.js';

const slow = { timeout: 60_000 };

export function deadLetterCases(suite: SuiteContext): void {
  it('e1. when a payload fails its schema, then it goes to the DLQ at once with the reason and the handler never runs', async () => {
    const f = await suite.fixture('conf.e1');
    let calls = 0;
    await f.db.transaction((tx) =>
      f.writer.write(tx, [{ topic: f.topic, type: 'thing.happened.v1', key: 'e', payload: { n: 'seven' } }]),
    );
    await f.produce('e', 1, 2);
    await f.relay().drain();
    const consumer = f.consumer('c.e1', {
      handlers: {
        'thing.happened.v1': async (_p, ctx) => {
          calls++;
          await recordEffect(ctx.tx, 'c.e1', ctx.envelope as never, 'main');
        },
      },
    });
    await consumer.start();
    await expect.poll(() => consumer.stats.get('deadLettered'), slow).toBe(1);
    await expect.poll(() => f.effects('c.e1'), slow).toHaveLength(1);
    expect(calls).toBe(1);
    const [letter] = await consumer.listDeadLetters();
    expect(letter).toMatchObject({ errorCode: Errors.MSG_SCHEMA_INVALID.code, attempts: 1, seq: 1, key: 'e' });
    expect(letter!.reason).toMatch(/n/);
    expect(letter!.headers['ordo-dlq-original-topic']).toBe(f.topic);
    expect(letter!.headers['ordo-dlq-attempts']).toBe('1');
    expect(letter!.headers['ordo-dlq-last-error']).toContain('invalid');
  });

  it('e2. when a message body is not an envelope at all, then it goes to the DLQ at once', async () => {
    const f = await suite.fixture('conf.e2');
    await f.transport.publish([
      { id: 'garbage-1', topic: f.topic, type: 'thing.happened.v1', key: 'x', headers: {}, body: '{not json' },
    ]);
    const consumer = f.consumer('c.e2');
    await consumer.start();
    await expect.poll(() => consumer.stats.get('deadLettered'), slow).toBe(1);
    const [letter] = await consumer.listDeadLetters();
    expect(letter).toMatchObject({ errorCode: Errors.MSG_MALFORMED.code, messageId: 'garbage-1', body: '{not json' });
  });

  it('e3. when a handler fails with a non-retryable error, then the message goes to the DLQ after one attempt', async () => {
    const f = await suite.fixture('conf.e3');
    let calls = 0;
    await f.produce('e3', 1);
    await f.relay().drain();
    const consumer = f.consumer('c.e3', {
      handlers: {
        'thing.happened.v1': async () => {
          calls++;
          throw new AppError(Errors.VALIDATION, { message: 'business rule refused it' });
        },
      },
    });
    await consumer.start();
    await expect.poll(() => consumer.stats.get('deadLettered'), slow).toBe(1);
    expect(calls).toBe(1);
    const [letter] = await consumer.listDeadLetters();
    expect(letter).toMatchObject({ errorCode: Errors.VALIDATION.code, attempts: 1 });
    expect(letter!.reason).toContain('business rule refused it');
  });

  it('e4. when a handler keeps failing with a retryable error, then it is retried with backoff, dead-lettered after N attempts, and a replay applies it once', async () => {
    const f = await suite.fixture('conf.e4');
    let failing = true;
    let calls = 0;
    await f.produce('e4', 1);
    await f.produce('e4-other', 1);
    await f.relay().drain();
    const consumer = f.consumer('c.e4', {
      maxAttempts: 4,
      backoff: { baseMs: 20, maxMs: 100 },
      handlers: {
        'thing.happened.v1': async (_p, ctx) => {
          if (ctx.envelope.key === 'e4') {
            calls++;
            if (failing) throw new Error('downstream unavailable');
          }
          await recordEffect(ctx.tx, 'c.e4', ctx.envelope as never, 'main');
        },
      },
    });
    await consumer.start();
    await expect.poll(() => consumer.stats.get('deadLettered'), slow).toBe(1);
    expect(calls).toBe(4);
    expect(consumer.stats.get('retried')).toBe(3);
    const [letter] = await consumer.listDeadLetters();
    expect(letter).toMatchObject({ attempts: 4, key: 'e4', errorCode: 'ORDO_ERR_UNCLASSIFIED' });
    expect(letter!.lastFailedAt.getTime()).toBeGreaterThanOrEqual(letter!.firstFailedAt.getTime());
    expect(letter!.headers['ordo-dlq-first-failure-at']).toBe(letter!.firstFailedAt.toISOString());
    // The other aggregate was not held up.
    expect((await f.effects('c.e4')).map((e) => e.key)).toEqual(['e4-other']);

    failing = false;
    await consumer.replayDeadLetter(letter!.id);
    await expect(consumer.replayDeadLetter(letter!.id)).rejects.toMatchObject({
      code: Errors.DLQ_ALREADY_REPLAYED.code,
    });
    expect((await f.effects('c.e4')).map((e) => e.key).sort()).toEqual(['e4', 'e4-other']);
    expect(calls).toBe(5);
    expect(await consumer.listDeadLetters()).toEqual([]);
  });

  it('e5. when a consumer handles payment messages, then a replay needs an explicit confirmation', async () => {
    const f = await suite.fixture('conf.e5');
    let failing = true;
    await f.produce('p1', 1);
    await f.relay().drain();
    const consumer = f.consumer('c.e5', {
      replayRequiresConfirmation: true,
      handlers: {
        'thing.happened.v1': async (_p, ctx) => {
          if (failing) throw new AppError(Errors.VALIDATION);
          await recordEffect(ctx.tx, 'c.e5', ctx.envelope as never, 'main');
        },
      },
    });
    await consumer.start();
    await expect.poll(() => consumer.stats.get('deadLettered'), slow).toBe(1);
    failing = false;
    const [letter] = await consumer.listDeadLetters();
    await expect(consumer.replayDeadLetter(letter!.id)).rejects.toMatchObject({
      code: Errors.DLQ_CONFIRMATION_REQUIRED.code,
    });
    expect(await f.effects('c.e5')).toEqual([]);
    const result = await consumer.replayAllDeadLetters({ confirm: true });
    expect(result).toEqual({ replayed: 1, failed: 0 });
    expect(await f.effects('c.e5')).toHaveLength(1);
  });
}

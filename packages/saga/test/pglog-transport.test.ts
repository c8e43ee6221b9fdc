// Full saga runs over the real pglog transport, published by outbox relays, on both databases.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SagaStatus } from '../src/index.js';
import { dbShapes, SagaHarness } from './fixtures/saga-harness.js';
import { Commands } from './fixtures/test-saga.js';

describe.each(dbShapes)('saga over the pglog transport on %s', (shape) => {
  let h: SagaHarness;
  beforeEach(async () => {
    h = await SagaHarness.open({ shape, transport: 'pglog' });
  });
  afterEach(() => h.close());

  it('when every participant agrees, then the saga completes and each command went out once', async () => {
    await h.start('g-1');
    await h.waitForStatus('g-1', SagaStatus.Completed);
    expect((await h.commandsSent('g-1')).map((c) => c.commandId)).toEqual([
      'g-1:reserve:invoke',
      'g-1:charge:invoke',
      'g-1:confirm:invoke',
    ]);
    expect(await h.order('g-1')).toMatchObject({ status: 'APPROVED', approvals: 1 });
  });

  it('when the pivot fails, then the saga is compensated over the log', async () => {
    h.beta.set(Commands.charge, 'fail');
    await h.start('g-2');
    await h.waitForStatus('g-2', SagaStatus.Compensated);
    expect(h.alpha.receivedOf(Commands.release, 'g-2')).toHaveLength(1);
    expect(await h.order('g-2')).toMatchObject({ status: 'REJECTED', rejections: 1 });
  });
});

// Deploying a new version of a saga never strands instances of the old one: they finish on the
// version they started with, and a process missing a version they need says so at startup.
import { afterEach, describe, expect, it } from 'vitest';
import { SagaStatus } from '../src/index.js';
import { dbShapes, SagaHarness } from './fixtures/saga-harness.js';
import { Commands, Replies, testSagaV1, testSagaV2 } from './fixtures/test-saga.js';

describe.each(dbShapes)('version pinning on %s', (shape) => {
  let h: SagaHarness;
  afterEach(() => h.close());

  it('when v2 is deployed while a v1 instance runs, then it finishes on v1 and new sagas start on v2', async () => {
    h = await SagaHarness.open({ shape, definitions: [testSagaV1] });
    h.alpha.set(Commands.reserve, 'silent');
    expect((await h.start('v-1')).version).toBe(1);
    await expect.poll(() => h.alpha.receivedOf(Commands.reserve, 'v-1').length).toBe(1);

    await h.deploy([testSagaV2, testSagaV1]);
    await h.engine.assertDefinitionsCover();
    h.alpha.set(Commands.reserve, 'reply');
    expect(await h.sweep()).toBe(1);

    const v1 = await h.waitForStatus('v-1', SagaStatus.Completed);
    expect(v1.version).toBe(1);
    expect(h.beta.receivedOf(Commands.notify, 'v-1')).toEqual([]);

    expect((await h.start('v-2')).version).toBe(2);
    await h.waitForStatus('v-2', SagaStatus.Completed);
    expect((await h.actions('v-2')).slice(-5)).toEqual([
      'reply_received confirm',
      'command_sent notify',
      'reply_received notify',
      'local_step_run approve',
      'completed',
    ]);
  });

  it('when an unfinished instance runs on a version this process lacks, then the startup check fails and nothing moves it silently', async () => {
    h = await SagaHarness.open({ shape, definitions: [testSagaV1] });
    h.alpha.set(Commands.reserve, 'silent');
    await h.start('v-3');
    await h.deploy([testSagaV2]);

    await expect(h.engine.assertDefinitionsCover()).rejects.toMatchObject({
      code: 'ORDO_ERR_SAGA_DEFINITION_MISSING',
      details: { missing: [{ sagaName: 'test-order', version: 1, count: 1 }] },
    });
    // A reply is refused with a retryable error: another instance that has v1 can take it.
    const reply = { sagaId: 'v-3', commandId: 'v-3:reserve:invoke', reservationId: 'r' };
    await expect(h.db.transaction((tx) => h.engine.handleReply(tx, Replies.reserved, reply))).rejects.toMatchObject({
      code: 'ORDO_ERR_SAGA_DEFINITION_MISSING',
      retryable: true,
    });
    // The deadline sweep does not touch it either; it records why and tries later.
    expect(await h.sweep()).toBe(0);
    const stuck = await h.engine.get('v-3');
    expect(stuck).toMatchObject({ status: SagaStatus.Running, attempt: 1, step: undefined });
    expect(stuck.lastError).toMatch(/v1 is not registered/);
  });
});

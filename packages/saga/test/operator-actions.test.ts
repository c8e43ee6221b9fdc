// Parked sagas and what operators do with them (retry, skip, resolve), and the queries an
// operator console uses, on real databases.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SagaStatus, StepAction } from '../src/index.js';
import { dbShapes, SagaHarness } from './fixtures/saga-harness.js';
import { Commands, quickDeadline } from './fixtures/test-saga.js';

describe.each(dbShapes)('operator actions on %s', (shape) => {
  let h: SagaHarness;
  beforeEach(async () => {
    h = await SagaHarness.open({ shape });
  });
  afterEach(() => h.close());

  /** Charge declined, release never answered: parked in COMPENSATION_FAILED at reserve. */
  async function parkCompensation(sagaId: string) {
    h.beta.set(Commands.charge, 'fail');
    h.alpha.set(Commands.release, 'silent');
    await h.start(sagaId);
    for (let attempt = 1; attempt <= quickDeadline.maxAttempts; attempt++) {
      await expect.poll(() => h.alpha.receivedOf(Commands.release, sagaId).length).toBe(attempt);
      await h.sweep();
    }
    return h.waitForStatus(sagaId, SagaStatus.CompensationFailed);
  }

  it('when a compensation keeps failing, then the saga parks COMPENSATION_FAILED; a retry after the participant recovers compensates it', async () => {
    const parked = await parkCompensation('p-1');
    expect(parked).toMatchObject({
      step: 'reserve',
      phase: 'compensating',
      deadlineAt: null,
      lastError: 'reserve compensation got no reply after 3 attempt(s)',
    });
    expect(await h.sweep()).toBe(0);
    expect(await h.order('p-1')).toMatchObject({ status: 'PENDING' });

    h.alpha.set(Commands.release, 'reply');
    const retried = await h.engine.retry('p-1', 'alpha is back; INC-42');
    expect(retried).toMatchObject({ status: SagaStatus.Compensating, attempt: 1 });
    const done = await h.waitForStatus('p-1', SagaStatus.Compensated);

    const releases = h.alpha.receivedOf(Commands.release, 'p-1').map((c) => c.commandId);
    // Three sends under one id (the deadline re-sends), then the operator's retry under a new
    // id: the participant decides each id once, so the old one would only repeat its answer.
    expect(releases.slice(0, 3)).toEqual(Array(3).fill('p-1:reserve:compensate'));
    expect(releases).toHaveLength(4);
    expect(releases[3]).toMatch(/^p-1:reserve:compensate:op\d+$/);
    const retry = done.log.find((e) => e.action === StepAction.OperatorRetry);
    expect(retry).toMatchObject({ step: 'reserve', detail: { note: 'alpha is back; INC-42' } });
    expect((await h.actions('p-1')).slice(-6)).toEqual([
      'parked reserve',
      'operator_retry reserve',
      'compensation_sent reserve',
      'compensation_reply_received reserve',
      'local_compensation_run record',
      'compensated',
    ]);
    // The local compensation learns why compensation began (the declined charge), not the
    // release timeout the saga parked on.
    const started = done.log.find((e) => e.action === StepAction.CompensationStarted);
    expect(started?.detail.reason).toMatch(/^charge/);
    expect(await h.order('p-1')).toMatchObject({ status: 'REJECTED', rejections: 1 });
    expect(await h.rejectionReason('p-1')).toBe(started?.detail.reason);
  });

  it('when a compensation replies failure, then the saga parks at once, and a skip runs the remaining compensations', async () => {
    h.beta.set(Commands.charge, 'fail');
    h.alpha.set(Commands.release, 'fail');
    await h.start('p-2');
    const parked = await h.waitForStatus('p-2', SagaStatus.CompensationFailed);
    expect(parked.lastError).toBe('reserve compensation failed: locked');

    const skipped = await h.engine.skip('p-2', 'released by hand in the alpha console');
    expect(skipped.status).toBe(SagaStatus.Compensated);
    expect((await h.actions('p-2')).slice(-4)).toEqual([
      'parked reserve',
      'operator_skip reserve',
      'local_compensation_run record',
      'compensated',
    ]);
    expect(await h.order('p-2')).toMatchObject({ status: 'REJECTED' });
  });

  it('when a step after the pivot is parked and the operator skips it, then the saga carries on to COMPLETED', async () => {
    h.alpha.set(Commands.confirm, 'fail');
    await h.start('p-3');
    await h.waitForStatus('p-3', SagaStatus.ForwardFailed);
    const done = await h.engine.skip('p-3', 'confirmed on the phone');
    expect(done.status).toBe(SagaStatus.Completed);
    expect((await h.actions('p-3')).slice(-4)).toEqual([
      'parked confirm',
      'operator_skip confirm',
      'local_step_run approve',
      'completed',
    ]);
    expect(await h.order('p-3')).toMatchObject({ status: 'APPROVED', approvals: 1 });
  });

  it('when a parked saga is resolved, then it is closed with the note and further actions are refused', async () => {
    h.alpha.set(Commands.confirm, 'fail');
    await h.start('p-4');
    await h.waitForStatus('p-4', SagaStatus.ForwardFailed);

    await expect(h.engine.resolve('p-4', '  ')).rejects.toMatchObject({ code: 'ORDO_ERR_HTTP_VALIDATION' });
    const resolved = await h.engine.resolve('p-4', 'customer refunded manually');
    expect(resolved).toMatchObject({ status: SagaStatus.Resolved, waitingForCommandId: null, deadlineAt: null });
    const entry = (await h.engine.get('p-4')).log.at(-1);
    expect(entry).toMatchObject({
      action: StepAction.OperatorResolve,
      detail: { note: 'customer refunded manually', status: SagaStatus.ForwardFailed },
    });

    for (const act of [
      () => h.engine.retry('p-4'),
      () => h.engine.skip('p-4'),
      () => h.engine.resolve('p-4', 'again'),
    ]) {
      await expect(act()).rejects.toMatchObject({
        code: 'ORDO_ERR_SAGA_ILLEGAL_ACTION',
        httpStatus: 409,
        details: { sagaId: 'p-4', status: SagaStatus.Resolved },
      });
    }
    expect((await h.engine.get('p-4')).status).toBe(SagaStatus.Resolved);
  });

  it('when an action targets a running or unknown saga, then it is refused with a stable code and nothing changes', async () => {
    h.alpha.set(Commands.reserve, 'silent');
    await h.start('p-5');
    await expect(h.engine.retry('p-5')).rejects.toMatchObject({
      code: 'ORDO_ERR_SAGA_ILLEGAL_ACTION',
      details: { action: 'retry', status: SagaStatus.Running },
    });
    await expect(h.engine.skip('nope')).rejects.toMatchObject({ code: 'ORDO_ERR_SAGA_NOT_FOUND', httpStatus: 404 });
    await expect(h.engine.get('nope')).rejects.toMatchObject({ code: 'ORDO_ERR_SAGA_NOT_FOUND' });
    const log = (await h.engine.get('p-5')).log;
    expect(log.map((e) => e.action)).toEqual([StepAction.Started, StepAction.LocalStepRun, StepAction.CommandSent]);
  });

  it('when sagas are listed, then pages follow the id keyset and the status filter', async () => {
    h.alpha.set(Commands.confirm, 'fail');
    for (const id of ['l-1', 'l-2', 'l-3', 'l-4', 'l-5']) await h.start(id);
    for (const id of ['l-1', 'l-2', 'l-3', 'l-4', 'l-5']) await h.waitForStatus(id, SagaStatus.ForwardFailed);
    await h.engine.resolve('l-2', 'handled');

    const first = await h.engine.list({ limit: 2 });
    expect(first.items.map((i) => i.id)).toEqual(['l-1', 'l-2']);
    const second = await h.engine.list({ limit: 2, afterId: first.nextAfterId! });
    expect(second.items.map((i) => i.id)).toEqual(['l-3', 'l-4']);
    const last = await h.engine.list({ limit: 2, afterId: second.nextAfterId! });
    expect(last).toEqual({ items: [expect.objectContaining({ id: 'l-5', step: 'confirm' })], nextAfterId: null });

    const parked = await h.engine.list({ status: SagaStatus.ForwardFailed, limit: 10 });
    expect(parked.items.map((i) => i.id)).toEqual(['l-1', 'l-3', 'l-4', 'l-5']);
    expect((await h.engine.list({ status: SagaStatus.Resolved })).items.map((i) => i.id)).toEqual(['l-2']);
  });
});

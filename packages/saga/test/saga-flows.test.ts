// The saga engine end to end on real databases: fake participants are real consumers over the
// in-memory transport; deadlines are driven by moving the injected clock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SagaFaultPoints, SagaStatus, StepAction } from '../src/index.js';
import { dbShapes, SagaHarness } from './fixtures/saga-harness.js';
import { Commands, quickDeadline, Replies } from './fixtures/test-saga.js';

describe.each(dbShapes)('saga flows on %s', (shape) => {
  let h: SagaHarness;
  beforeEach(async () => {
    h = await SagaHarness.open({ shape });
  });
  afterEach(() => h.close());

  it('when every participant agrees, then the saga completes with its step log in order', async () => {
    const started = await h.start('o-1');
    expect(started).toMatchObject({ status: SagaStatus.Running, version: 1, step: 'reserve', attempt: 1 });

    const done = await h.waitForStatus('o-1', SagaStatus.Completed);
    expect(done.data).toEqual({ orderId: 'o-1', amountCents: 1_000, reservationId: 'res-o-1', chargeId: 'ch-o-1' });
    expect(await h.actions('o-1')).toEqual([
      'started',
      'local_step_run record',
      'command_sent reserve',
      'reply_received reserve',
      'command_sent charge',
      'reply_received charge',
      'command_sent confirm',
      'reply_received confirm',
      'local_step_run approve',
      'completed',
    ]);
    expect(await h.commandsSent('o-1')).toEqual([
      { type: Commands.reserve, commandId: 'o-1:reserve:invoke' },
      { type: Commands.charge, commandId: 'o-1:charge:invoke' },
      { type: Commands.confirm, commandId: 'o-1:confirm:invoke' },
    ]);
    expect(h.alpha.receivedOf(Commands.reserve, 'o-1')[0]?.payload).toEqual({
      orderId: 'o-1',
      sagaId: 'o-1',
      commandId: 'o-1:reserve:invoke',
    });
    expect(await h.order('o-1')).toEqual({ status: 'APPROVED', approvals: 1, rejections: 0 });
    expect(done).toMatchObject({ deadlineAt: null, waitingForCommandId: null });
  });

  it('when the pivot step replies failure, then steps 2 and 1 are compensated in reverse and the saga is COMPENSATED', async () => {
    h.beta.set(Commands.charge, 'fail');
    await h.start('o-2');

    const done = await h.waitForStatus('o-2', SagaStatus.Compensated);
    expect(done.lastError).toBe('charge failed: card_declined');
    expect(await h.actions('o-2')).toEqual([
      'started',
      'local_step_run record',
      'command_sent reserve',
      'reply_received reserve',
      'command_sent charge',
      'reply_received charge',
      'compensation_started charge',
      'compensation_sent reserve',
      'compensation_reply_received reserve',
      'local_compensation_run record',
      'compensated',
    ]);
    expect(h.alpha.receivedOf(Commands.release, 'o-2').map((c) => c.payload.reservationId)).toEqual(['res-o-2']);
    expect(h.alpha.receivedOf(Commands.confirm, 'o-2')).toEqual([]);
    expect(h.beta.receivedOf(Commands.refund, 'o-2')).toEqual([]);
    expect(await h.order('o-2')).toEqual({ status: 'REJECTED', approvals: 0, rejections: 1 });
    const { rows } = await h.db.query('SELECT reason FROM orders.test_orders WHERE id = $1', ['o-2']);
    expect(rows).toEqual([{ reason: 'charge failed: card_declined' }]);
  });

  it('when a participant never answers, then the step is re-sent with the same command id and compensated after maxAttempts', async () => {
    h.alpha.set(Commands.reserve, 'silent');
    await h.start('o-3');
    for (let attempt = 1; attempt < quickDeadline.maxAttempts; attempt++) {
      await expect.poll(() => h.alpha.receivedOf(Commands.reserve, 'o-3').length).toBe(attempt);
      expect(await h.sweep(quickDeadline.timeoutMs - 1)).toBe(0);
      expect(await h.sweep(1)).toBe(1);
      expect((await h.engine.get('o-3')).attempt).toBe(attempt + 1);
    }
    await expect.poll(() => h.alpha.receivedOf(Commands.reserve, 'o-3').length).toBe(quickDeadline.maxAttempts);
    expect(await h.sweep()).toBe(1);

    await h.waitForStatus('o-3', SagaStatus.Compensated);
    const seen = h.alpha.receivedOf(Commands.reserve, 'o-3').map((c) => c.commandId);
    expect(seen).toEqual(['o-3:reserve:invoke', 'o-3:reserve:invoke', 'o-3:reserve:invoke']);
    // The timed-out step may have been applied after all, so it is compensated too.
    expect(h.alpha.receivedOf(Commands.release, 'o-3').map((c) => c.commandId)).toEqual(['o-3:reserve:compensate']);
    const log = (await h.engine.get('o-3')).log;
    expect(log.filter((e) => e.action === StepAction.CommandSent).map((e) => e.detail.attempt)).toEqual([1, 2, 3]);
    expect((await h.actions('o-3')).slice(-6)).toEqual([
      'deadline_passed reserve',
      'compensation_started reserve',
      'compensation_sent reserve',
      'compensation_reply_received reserve',
      'local_compensation_run record',
      'compensated',
    ]);
    expect((await h.engine.get('o-3')).lastError).toBe('reserve got no reply after 3 attempt(s)');
  });

  it('when a step after the pivot exhausts its retries, then the saga parks FORWARD_FAILED and nothing is compensated', async () => {
    h.alpha.set(Commands.confirm, 'silent');
    await h.start('o-4');
    for (let attempt = 1; attempt <= quickDeadline.maxAttempts; attempt++) {
      await expect.poll(() => h.alpha.receivedOf(Commands.confirm, 'o-4').length).toBe(attempt);
      await h.sweep();
    }
    const parked = await h.waitForStatus('o-4', SagaStatus.ForwardFailed);
    expect(parked).toMatchObject({
      step: 'confirm',
      deadlineAt: null,
      lastError: 'confirm got no reply after 3 attempt(s)',
    });
    expect(await h.sweep()).toBe(0);
    expect((await h.commandsSent('o-4')).map((c) => c.type)).toEqual([
      Commands.reserve,
      Commands.charge,
      Commands.confirm,
      Commands.confirm,
      Commands.confirm,
    ]);
    expect(await h.order('o-4')).toEqual({ status: 'PENDING', approvals: 0, rejections: 0 });
  });

  it('when a step after the pivot replies failure, then the saga parks FORWARD_FAILED at once', async () => {
    h.alpha.set(Commands.confirm, 'fail');
    await h.start('o-5');
    const parked = await h.waitForStatus('o-5', SagaStatus.ForwardFailed);
    expect(parked.lastError).toBe('confirm failed: kitchen_closed');
    expect((await h.actions('o-5')).slice(-2)).toEqual(['reply_received confirm', 'parked confirm']);
  });

  it('when replies are duplicated or late, then they are logged as ignored and change nothing', async () => {
    // The reply to reserve waits in the broker while the step times out and is re-sent, so the
    // participant answers twice (its stored decision): two replies with one command id.
    await h.pauseReplies();
    await h.start('o-6');
    await expect.poll(() => h.alpha.receivedOf(Commands.reserve, 'o-6').length).toBe(1);
    expect(await h.sweep()).toBe(1);
    await expect.poll(() => h.alpha.receivedOf(Commands.reserve, 'o-6').length).toBe(2);
    await h.resumeReplies();
    await h.waitForStatus('o-6', SagaStatus.Completed);
    await expect
      .poll(async () => (await h.engine.get('o-6')).log.filter((e) => e.action === StepAction.ReplyIgnored).length)
      .toBe(1);

    // A late reply after the end.
    await h.beta.sendReply('o-6', 'o-6:charge:invoke', { type: Replies.charged, payload: { chargeId: 'other' } });
    await expect
      .poll(async () => (await h.engine.get('o-6')).log.filter((e) => e.action === StepAction.ReplyIgnored).length)
      .toBe(2);

    const details = await h.engine.get('o-6');
    expect(details.status).toBe(SagaStatus.Completed);
    expect(details.data).toMatchObject({ chargeId: 'ch-o-6' });
    const ignored = details.log.filter((e) => e.action === StepAction.ReplyIgnored);
    expect(ignored.map((e) => [e.commandId, e.detail.type])).toEqual([
      ['o-6:reserve:invoke', Replies.reserved],
      ['o-6:charge:invoke', Replies.charged],
    ]);
    expect(await h.order('o-6')).toEqual({ status: 'APPROVED', approvals: 1, rejections: 0 });
    expect(h.alpha.receivedOf(Commands.confirm, 'o-6')).toHaveLength(1);
  });

  it('when the transaction crashes before commit while handling replies, then nothing of it is kept and the redelivered reply completes the saga once', async () => {
    // Hits: 1 start, 2 reserve reply, 3 charge reply, 4 confirm reply (which also runs the local
    // approve step). The confirm reply's transaction crashes twice, then its redelivery commits.
    h.faults.arm(SagaFaultPoints.BeforeCommit, { kind: 'throw' }, { after: 3, times: 2 });
    await h.start('o-7');

    await h.waitForStatus('o-7', SagaStatus.Completed);
    expect(h.faults.count(SagaFaultPoints.BeforeCommit)).toBe(6);
    expect(await h.actions('o-7')).toEqual([
      'started',
      'local_step_run record',
      'command_sent reserve',
      'reply_received reserve',
      'command_sent charge',
      'reply_received charge',
      'command_sent confirm',
      'reply_received confirm',
      'local_step_run approve',
      'completed',
    ]);
    expect((await h.commandsSent('o-7')).map((c) => c.commandId)).toEqual([
      'o-7:reserve:invoke',
      'o-7:charge:invoke',
      'o-7:confirm:invoke',
    ]);
    expect(await h.order('o-7')).toEqual({ status: 'APPROVED', approvals: 1, rejections: 0 });
  });

  it('when the transaction that starts a saga rolls back, then no instance, row or command is left', async () => {
    await expect(
      h.db.transaction(async (tx) => {
        await h.engine.start(tx, 'test-order', { sagaId: 'o-8', data: { orderId: 'o-8', amountCents: 5 } });
        throw new Error('the use case failed after starting its saga');
      }),
    ).rejects.toThrow('the use case failed');
    await expect(h.engine.get('o-8')).rejects.toMatchObject({ code: 'ORDO_ERR_SAGA_NOT_FOUND' });
    expect(await h.commandsSent('o-8')).toEqual([]);
    expect(await h.order('o-8')).toBeUndefined();
  });

  it('when a deadline transition crashes, then it is deferred without effects and a later sweep re-sends once', async () => {
    h.alpha.set(Commands.reserve, 'silent');
    await h.start('o-9');
    await expect.poll(() => h.alpha.receivedOf(Commands.reserve, 'o-9').length).toBe(1);
    h.faults.arm(SagaFaultPoints.BeforeCommit, { kind: 'throw' }, { times: 1 });
    expect(await h.sweep()).toBe(0);
    const deferred = await h.engine.get('o-9');
    expect(deferred).toMatchObject({ attempt: 1, lastError: 'fault injected at saga.beforeCommit' });
    expect(deferred.log.map((e) => e.action)).not.toContain(StepAction.DeadlinePassed);
    expect(await h.sweep(29_999)).toBe(0);
    expect(await h.sweep(1)).toBe(1);
    await expect.poll(() => h.alpha.receivedOf(Commands.reserve, 'o-9').length).toBe(2);
    expect((await h.commandsSent('o-9')).length).toBe(2);
  });

  it('when a local step after the pivot throws, then its writes roll back and the saga parks; a retry after the fix completes it', async () => {
    h.alpha.set(Commands.confirm, 'silent');
    await h.start('o-10');
    await expect.poll(() => h.alpha.receivedOf(Commands.confirm, 'o-10').length).toBe(1);
    await h.block('o-10', true);
    h.alpha.set(Commands.confirm, 'reply');
    await h.sweep();

    const parked = await h.waitForStatus('o-10', SagaStatus.ForwardFailed);
    expect(parked).toMatchObject({
      step: 'approve',
      lastError: 'approve failed: order is blocked',
      waitingForCommandId: null,
    });
    expect((await h.actions('o-10')).slice(-3)).toEqual([
      'reply_received confirm',
      'step_failed approve',
      'parked approve',
    ]);
    expect(await h.order('o-10')).toMatchObject({ status: 'PENDING', approvals: 0 });

    await h.block('o-10', false);
    expect((await h.engine.retry('o-10', 'unblocked')).status).toBe(SagaStatus.Completed);
    expect(await h.order('o-10')).toMatchObject({ status: 'APPROVED', approvals: 1 });
  });

  it('when a local compensation throws, then the saga parks COMPENSATION_FAILED after the remote ones ran', async () => {
    h.beta.set(Commands.charge, 'silent');
    await h.start('o-11');
    await expect.poll(() => h.beta.receivedOf(Commands.charge, 'o-11').length).toBe(1);
    await h.block('o-11', true);
    h.beta.set(Commands.charge, 'fail');
    await h.sweep();

    const parked = await h.waitForStatus('o-11', SagaStatus.CompensationFailed);
    expect(parked).toMatchObject({ step: 'record', lastError: 'compensation of record failed: order is blocked' });
    expect(h.alpha.receivedOf(Commands.release, 'o-11')).toHaveLength(1);
    expect(await h.order('o-11')).toMatchObject({ status: 'PENDING', rejections: 0 });

    await h.block('o-11', false);
    expect((await h.engine.retry('o-11')).status).toBe(SagaStatus.Compensated);
    expect(await h.order('o-11')).toMatchObject({ status: 'REJECTED', rejections: 1 });
  });

  it('when the deadline timer runs, then due commands are re-sent without a manual sweep', async () => {
    h.alpha.set(Commands.reserve, 'silent');
    await h.start('o-12');
    await expect.poll(() => h.alpha.receivedOf(Commands.reserve, 'o-12').length).toBe(1);
    h.engine.startTimer(20);
    h.advance(quickDeadline.timeoutMs);
    await expect.poll(() => h.alpha.receivedOf(Commands.reserve, 'o-12').length).toBe(2);
    await h.engine.stop();
    expect((await h.engine.get('o-12')).attempt).toBe(2);
  });

  it('when a reply or a start does not fit, then it is refused with a stable code and the saga is unchanged', async () => {
    h.alpha.set(Commands.reserve, 'silent');
    await h.start('o-13');
    await expect(h.start('o-13')).rejects.toMatchObject({ code: 'ORDO_ERR_SAGA_ALREADY_STARTED', httpStatus: 409 });

    const reply = (type: string, payload: Record<string, unknown>) =>
      h.db.transaction((tx) => h.engine.handleReply(tx, type, payload));
    // The awaited command id, but a type its step does not handle: a contract mismatch, for the DLQ.
    await expect(reply(Replies.confirmed, { sagaId: 'o-13', commandId: 'o-13:reserve:invoke' })).rejects.toMatchObject({
      code: 'ORDO_ERR_SAGA_UNEXPECTED_REPLY',
      retryable: false,
    });
    await expect(reply(Replies.reserved, { sagaId: 'o-13' })).rejects.toMatchObject({
      code: 'ORDO_ERR_MSG_SCHEMA_INVALID',
    });
    await expect(reply(Replies.reserved, { sagaId: 'ghost', commandId: 'ghost:reserve:invoke' })).rejects.toMatchObject(
      {
        code: 'ORDO_ERR_SAGA_NOT_FOUND',
      },
    );
    const details = await h.engine.get('o-13');
    expect(details).toMatchObject({
      status: SagaStatus.Running,
      step: 'reserve',
      waitingForCommandId: 'o-13:reserve:invoke',
    });
    expect(details.log).toHaveLength(3);
  });
});

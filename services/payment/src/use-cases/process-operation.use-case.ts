// One claimed operation, end to end: decide what the PSP must be asked (or that it need not be),
// call it with no transaction open, then record the outcome, the ledger journal, the events and
// the replies to every waiting command in one transaction. A crash between the call and that
// transaction leaves the lease to expire; the next worker repeats the call under the same
// idempotency key and the PSP answers with what it did the first time.
import { PaymentEvents, PaymentTopics } from '@ordo/contracts-payment';
import { type SqlExecutor, together } from '@ordo/db';
import { Errors } from '@ordo/errors';
import type { Operation } from '../data-access/operation.repository.js';
import { type PspAnswer, type PspCharge, PspUnavailableError, type TryObserver } from '../data-access/psp.client.js';
import { captureJournal, holdJournal, refundJournal, voidJournal } from '../domain/ledger.js';
import {
  captureRefusal,
  isOpen,
  OperationStatus,
  type Payment,
  PaymentStatus,
  planVoid,
  refundRefusal,
} from '../domain/payment.js';
import type { PaymentError } from '../domain/payment-error.js';
import { type PaymentReply, Replies } from '../domain/payment-replies.js';
import { openOperation } from './accept-operation.js';
import { auditMovement } from './audit-movement.js';
import type { PaymentDeps } from './payment.deps.js';

/** The operation ended: its status, the reply for its commands, and what it changes. */
interface Ended {
  readonly kind: 'ended';
  readonly status: OperationStatus;
  readonly reply: PaymentReply;
  readonly error?: string;
  /**
   * Applied in the recording transaction to the payment, locked and read afresh; returns the
   * payment as it is then. Its writes are issued together (one round trip on a pipelining
   * connection).
   */
  readonly apply?: (tx: SqlExecutor, payment: Payment, now: Date) => Promise<Payment>;
}

interface Unavailable {
  readonly kind: 'unavailable';
  readonly error: PspUnavailableError;
}

type Outcome = Ended | Unavailable;

/** Where a test crashes the worker: after the PSP call, before its outcome is recorded. */
export const AFTER_PSP_CALL = 'payment.worker.afterPspCall';

export async function processOperation(deps: PaymentDeps, op: Operation): Promise<void> {
  const payment = await deps.payments.find(deps.db, op.paymentId);
  if (!payment) throw new Error(`operation ${op.id} has no payment ${op.paymentId}`);
  let outcome: Outcome;
  try {
    outcome = await decide(deps, op, payment);
  } catch (error) {
    if (!(error instanceof PspUnavailableError)) throw error;
    outcome = { kind: 'unavailable', error };
  }
  await deps.faults.hit(AFTER_PSP_CALL);
  await record(deps, op, outcome);
}

async function decide(deps: PaymentDeps, op: Operation, payment: Payment): Promise<Ended> {
  const now = deps.now();
  if (op.kind === 'authorize' && op.cancelRequested) return cancelled(deps, op);
  switch (op.kind) {
    case 'authorize':
      if (now >= op.deadlineAt) return deadlineFailure(deps, op);
      return authorize(deps, op, payment);
    case 'capture': {
      const refusal = captureRefusal(payment, op.amountCents);
      if (refusal) return failed('capture', refusal);
      if (now >= op.deadlineAt) return deadlineFailure(deps, op);
      return capture(deps, op, payment);
    }
    case 'void':
      return voidPayment(deps, op, payment, now);
    case 'refund': {
      const refusal = refundRefusal(payment, op.amountCents);
      if (refusal) return failed('refund', refusal);
      if (now >= op.deadlineAt) return deadlineFailure(deps, op);
      return refund(deps, op, payment);
    }
  }
}

async function authorize(deps: PaymentDeps, op: Operation, payment: Payment): Promise<Ended> {
  if (!op.cardToken) throw new Error(`authorization ${op.id} has no card token`);
  const answer = await deps.psp.authorize(
    op.idempotencyKey,
    { orderId: op.orderId, amountCents: op.amountCents, currency: payment.currency, cardToken: op.cardToken },
    observer(deps, op, op.kind, op.idempotencyKey),
  );
  if (answer.ok) {
    const { chargeId, amountCents } = answer.body;
    return {
      kind: 'ended',
      status: OperationStatus.Succeeded,
      reply: Replies.authorized(payment.id, amountCents),
      apply: async (tx, current, now) => {
        const [updated] = await together(
          deps.payments.update(
            tx,
            current.id,
            { status: PaymentStatus.Authorized, pspChargeId: chargeId, authorizedCents: amountCents },
            now,
          ),
          deps.ledger.write(tx, current, holdJournal(amountCents), now),
        );
        return updated;
      },
    };
  }
  const declined = answer.code === Errors.PSP_CARD_DECLINED.code || answer.status === 402;
  const detail = declined
    ? `${answer.code}: ${answer.message}`
    : `${Errors.PAYMENT_PSP_REJECTED.code}: the PSP answered ${answer.status} ${answer.code}: ${answer.message}`;
  const chargeId = typeof answer.details.chargeId === 'string' ? answer.details.chargeId : null;
  return {
    kind: 'ended',
    status: OperationStatus.Failed,
    reply: Replies.declined(detail),
    error: detail,
    apply: (tx, current, now) =>
      deps.payments.update(tx, current.id, { status: PaymentStatus.Declined, pspChargeId: chargeId }, now),
  };
}

async function capture(deps: PaymentDeps, op: Operation, payment: Payment): Promise<Ended> {
  const chargeId = requireCharge(payment);
  const answer = await deps.psp.capture(
    op.idempotencyKey,
    chargeId,
    op.amountCents,
    observer(deps, op, op.kind, op.idempotencyKey),
  );
  if (!answer.ok) return rejected('capture', answer);
  const capturedCents = answer.body.capturedCents;
  return {
    kind: 'ended',
    status: OperationStatus.Succeeded,
    reply: Replies.captured(payment.id, capturedCents),
    apply: async (tx, current, now) => {
      const [updated] = await together(
        deps.payments.update(tx, current.id, { status: PaymentStatus.Captured, capturedCents }, now),
        deps.ledger.write(tx, current, captureJournal(current.authorizedCents, capturedCents), now),
        deps.writer.write(tx, [
          {
            topic: PaymentTopics.events,
            type: PaymentEvents.paymentCaptured.type,
            key: current.id,
            payload: { paymentId: current.id, orderId: current.orderId, amountCents: capturedCents },
            correlationId: op.correlationId,
            traceparent: op.traceparent,
          },
        ]),
      );
      return updated;
    },
  };
}

async function refund(deps: PaymentDeps, op: Operation, payment: Payment): Promise<Ended> {
  const chargeId = requireCharge(payment);
  const answer = await deps.psp.refund(
    op.idempotencyKey,
    chargeId,
    op.amountCents,
    observer(deps, op, op.kind, op.idempotencyKey),
  );
  if (!answer.ok) return rejected('refund', answer);
  const refundedCents = answer.body.refundedCents;
  return {
    kind: 'ended',
    status: OperationStatus.Succeeded,
    reply: Replies.refunded(payment.id, op.amountCents),
    apply: async (tx, current, now) => {
      const [updated] = await together(
        deps.payments.update(tx, current.id, { status: PaymentStatus.Refunded, refundedCents }, now),
        deps.ledger.write(tx, current, refundJournal(op.amountCents), now),
      );
      return updated;
    },
  };
}

async function voidPayment(deps: PaymentDeps, op: Operation, payment: Payment, now: Date): Promise<Ended> {
  const plan = planVoid(payment);
  if (plan.kind === 'refused') return failed('void', plan.refusal);
  if (plan.kind === 'nothing-to-void') return voided(payment.id);
  if (now >= op.deadlineAt) return deadlineFailure(deps, op);
  if (plan.kind === 'void-charge') {
    const answer = await deps.psp.void(
      op.idempotencyKey,
      plan.chargeId,
      observer(deps, op, op.kind, op.idempotencyKey),
    );
    if (!answer.ok) return rejected('void', answer);
    return {
      ...voided(payment.id),
      apply: async (tx, current, at) => {
        const [updated] = await together(
          deps.payments.update(tx, current.id, { status: PaymentStatus.Voided }, at),
          deps.ledger.write(tx, current, voidJournal(current.authorizedCents), at),
        );
        return updated;
      },
    };
  }
  // No charge id is known, but the PSP may hold one (an answer that was lost): ask it.
  const page = await deps.psp.listCharges({ orderId: op.orderId, limit: 20 }, observer(deps, op, 'lookup', null));
  let released: PspCharge | undefined = page.charges.find((c) => c.status === 'voided');
  for (const [i, charge] of page.charges.filter((c) => c.status === 'authorized').entries()) {
    const key = i === 0 ? op.idempotencyKey : `${op.idempotencyKey}:${charge.id}`;
    const answer = await deps.psp.void(key, charge.id, observer(deps, op, op.kind, key));
    if (!answer.ok) return rejected('void', answer);
    released ??= charge;
  }
  if (!released) {
    return {
      ...voided(payment.id),
      apply: (tx, current, at) => deps.payments.update(tx, current.id, { authorizationUncertain: false }, at),
    };
  }
  const charge = released;
  return {
    ...voided(payment.id),
    apply: async (tx, current, at) => {
      // Ordo never learned of this hold: journal it and its release together.
      const [updated] = await together(
        deps.payments.update(
          tx,
          current.id,
          { status: PaymentStatus.Voided, pspChargeId: charge.id, authorizedCents: charge.amountCents },
          at,
        ),
        deps.ledger.write(tx, current, holdJournal(charge.amountCents), at),
        deps.ledger.write(tx, current, voidJournal(charge.amountCents), at),
      );
      return updated;
    },
  };
}

/** Records the outcome if this worker still owns the operation (its claim token is current). */
async function record(deps: PaymentDeps, op: Operation, outcome: Outcome): Promise<void> {
  await deps.db.transaction(async (tx) => {
    // The payment's lock, then the operation's: issued together (one round trip on a pipelining
    // connection), and taken by the server in that order.
    let [payment, current] = await together(deps.payments.lock(tx, op.paymentId), deps.operations.lock(tx, op.id));
    if (!payment || !current || current.claimToken !== op.claimToken || !isOpen(current.status)) {
      deps.logger.warn({ operationId: op.id }, 'another worker took the operation over; its outcome is theirs');
      return;
    }
    const now = deps.now();
    let ended: Ended;
    if (outcome.kind === 'unavailable') {
      const error = outcome.error;
      if (op.kind === 'authorize' && error.uncertain && !payment.authorizationUncertain) {
        payment = await deps.payments.update(tx, payment.id, { authorizationUncertain: true }, now);
      }
      if (op.kind === 'authorize' && current.cancelRequested) ended = cancelled(deps, op);
      else if (now >= current.deadlineAt) ended = deadlineFailure(deps, op, error.message);
      else {
        await queue(deps, tx, current, payment, error, now);
        return;
      }
    } else {
      ended = outcome;
    }
    const before = payment;
    if (ended.apply) payment = await ended.apply(tx, payment, now);
    // The audit entry, the operation's end and the commands waiting for it: issued together.
    const [, , waiting] = await together(
      auditMovement(deps, tx, op, ended.status, before, payment, now),
      deps.operations.finish(tx, op.id, { status: ended.status, result: ended.reply, error: ended.error, now }),
      deps.operations.takeWaiters(tx, op.id),
    );
    for (const commandId of waiting) {
      await deps.replier.complete(tx, commandId, ended.reply);
    }
    if (op.kind === 'authorize' && ended.status !== OperationStatus.Succeeded && payment.authorizationUncertain) {
      // The hold may exist although Ordo never heard of it: release it (no command waits for this).
      const release = await deps.operations.findByKind(tx, payment.id, 'void');
      if (!release) await openOperation(deps, tx, { payment, kind: 'void', amountCents: 0, cause: op });
    }
    if (op.kind === 'void' && ended.status === OperationStatus.Failed) {
      deps.logger.error(
        { orderId: op.orderId, paymentId: op.paymentId, error: ended.error },
        'a void failed: a hold may remain at the PSP until an operator releases it',
      );
    }
  });
}

async function queue(
  deps: PaymentDeps,
  tx: SqlExecutor,
  op: Operation,
  payment: Payment,
  error: PspUnavailableError,
  now: Date,
): Promise<void> {
  const { queuedRetryBaseMs, queuedRetryMaxMs } = deps.settings;
  const ceiling = Math.min(queuedRetryMaxMs, queuedRetryBaseMs * 2 ** Math.min(op.claims - 1, 20));
  const delay = ceiling / 2 + Math.random() * (ceiling / 2);
  // The last try is at the deadline, so a late failure is answered on time.
  const next = new Date(Math.min(now.getTime() + delay, op.deadlineAt.getTime()));
  await deps.operations.requeue(tx, op.id, { nextAttemptAt: next, error: error.message, now });
  if (op.queuedSince) return;
  if (op.kind === 'authorize' && payment.status === PaymentStatus.Authorizing) {
    await deps.payments.update(tx, payment.id, { status: PaymentStatus.Queued }, now);
  }
  await deps.writer.write(tx, [
    {
      topic: PaymentTopics.events,
      type: PaymentEvents.paymentQueued.type,
      key: payment.id,
      payload: { paymentId: payment.id, orderId: payment.orderId, reason: `${op.kind}: ${error.message}` },
      correlationId: op.correlationId,
      traceparent: op.traceparent,
    },
  ]);
}

function observer(deps: PaymentDeps, op: Operation, operation: string, key: string | null): TryObserver {
  return async (attempt) => {
    try {
      await deps.attempts.insert(deps.db, {
        operationId: op.id,
        paymentId: op.paymentId,
        orderId: op.orderId,
        operation,
        idempotencyKey: key,
        try: attempt.try,
        outcome: attempt.outcome,
        httpStatus: attempt.httpStatus,
        error: attempt.error,
        durationMs: attempt.durationMs,
        startedAt: attempt.startedAt,
      });
    } catch (error) {
      deps.logger.warn({ err: error, operationId: op.id }, 'could not log a PSP attempt');
    }
  };
}

function requireCharge(payment: Payment): string {
  if (!payment.pspChargeId) throw new Error(`payment ${payment.id} is ${payment.status} without a PSP charge`);
  return payment.pspChargeId;
}

function voided(paymentId: string): Ended {
  return { kind: 'ended', status: OperationStatus.Succeeded, reply: Replies.voided(paymentId) };
}

function failed(operation: 'capture' | 'void' | 'refund', failure: PaymentError): Ended {
  return {
    kind: 'ended',
    status: OperationStatus.Failed,
    reply: Replies.operationFailed(operation, failure),
    error: `${failure.error.code}: ${failure.detail}`,
  };
}

function rejected(operation: 'capture' | 'void' | 'refund', answer: PspAnswer<unknown> & { ok: false }): Ended {
  return failed(operation, {
    error: Errors.PAYMENT_PSP_REJECTED,
    detail: `the PSP answered ${answer.status} ${answer.code}: ${answer.message}`,
  });
}

function cancelled(deps: PaymentDeps, op: Operation): Ended {
  const failure = { error: Errors.PAYMENT_AUTHORIZATION_CANCELLED, detail: `order ${op.orderId} was voided` };
  return {
    kind: 'ended',
    status: OperationStatus.Cancelled,
    reply: Replies.pspUnavailable(failure),
    error: `${failure.error.code}: ${failure.detail}`,
    apply: (tx, payment, now) => settleAuthorization(deps, tx, payment, PaymentStatus.Cancelled, now),
  };
}

function deadlineFailure(deps: PaymentDeps, op: Operation, cause?: string): Ended {
  const failure = {
    error: Errors.PAYMENT_DEADLINE_EXCEEDED,
    detail: `${op.kind} not done by its deadline ${op.deadlineAt.toISOString()}${cause ? `: ${cause}` : ''}`,
  };
  if (op.kind !== 'authorize') return failed(op.kind, failure);
  return {
    kind: 'ended',
    status: OperationStatus.Failed,
    reply: Replies.pspUnavailable(failure),
    error: `${failure.error.code}: ${failure.detail}`,
    apply: (tx, payment, now) => settleAuthorization(deps, tx, payment, PaymentStatus.Failed, now),
  };
}

/** An authorization that ends without a hold; a payment that moved on meanwhile is left alone. */
async function settleAuthorization(
  deps: PaymentDeps,
  tx: SqlExecutor,
  payment: Payment,
  status: PaymentStatus,
  now: Date,
): Promise<Payment> {
  if (payment.status === PaymentStatus.Authorizing || payment.status === PaymentStatus.Queued) {
    return deps.payments.update(tx, payment.id, { status }, now);
  }
  return payment;
}

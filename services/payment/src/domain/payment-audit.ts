// Which audit action an ended payment operation is, and the fields an auditor sees before and
// after it: status and amounts only (never the card token or the customer's details).
import { AuditAction, type AuditState } from '@ordo/contracts-audit';
import { type OperationKind, OperationStatus, type Payment } from './payment.js';

/** The action to audit, or undefined when the operation moved no money (a void with nothing held). */
export function auditActionOf(
  kind: OperationKind,
  status: OperationStatus,
  before: Payment,
  after: Payment,
): AuditAction | undefined {
  if (kind === 'authorize') {
    if (status === OperationStatus.Succeeded) return AuditAction.PaymentAuthorized;
    return before.status === after.status ? undefined : AuditAction.PaymentAuthorizationFailed;
  }
  if (status !== OperationStatus.Succeeded || before.status === after.status) return undefined;
  switch (kind) {
    case 'capture':
      return AuditAction.PaymentCaptured;
    case 'void':
      return AuditAction.PaymentVoided;
    case 'refund':
      return AuditAction.PaymentRefunded;
  }
}

export function auditedPayment(payment: Payment): AuditState {
  return {
    orderId: payment.orderId,
    status: payment.status,
    currency: payment.currency,
    authorizedCents: payment.authorizedCents,
    capturedCents: payment.capturedCents,
    refundedCents: payment.refundedCents,
  };
}

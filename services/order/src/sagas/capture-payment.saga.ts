// Captures the payment once the courier has picked the order up. The pickup already happened,
// so the capture only moves forward: retried until it succeeds, parked for an operator
// (FORWARD_FAILED) if it never does.
import { PaymentCommands, PaymentReplies, PaymentTopics } from '@ordo/contracts-payment';
import { defineSaga, type StepDeadline } from '@ordo/saga';

export interface CapturePaymentData {
  orderId: string;
  amountCents: number;
}

export const defaultCaptureDeadline: StepDeadline = { timeoutMs: 30_000, maxAttempts: 20 };

export function capturePaymentSaga(deadline: StepDeadline = defaultCaptureDeadline) {
  return defineSaga<CapturePaymentData>({
    name: 'capture-payment',
    version: 1,
    steps: [
      { name: 'picked-up', pivot: true, run: async ({ data }) => data },
      {
        name: 'capture',
        invoke: (d) => ({
          topic: PaymentTopics.commands,
          type: PaymentCommands.capture.type,
          payload: { orderId: d.orderId, amountCents: d.amountCents },
        }),
        onReply: {
          [PaymentReplies.captured.type]: (d) => ({ next: d }),
          [PaymentReplies.operationFailed.type]: (_d, r) => ({ fail: `capture failed: ${String(r.detail)}` }),
        },
        deadline,
      },
    ],
  });
}

// The create-order saga, as in ARCHITECTURE.md: each step's command, reply handling and
// compensation side by side. Step 1 (the order, APPROVAL_PENDING) is written by the use case
// that starts the saga; its compensation rejects the order.
import type { GeoPoint, SealedAddress, SealedValue } from '@ordo/contracts-common';
import { DeliveryCommands, DeliveryReplies, DeliveryTopics } from '@ordo/contracts-delivery';
import { PaymentCommands, PaymentReplies, PaymentTopics } from '@ordo/contracts-payment';
import { RestaurantCommands, RestaurantReplies, RestaurantTopics } from '@ordo/contracts-restaurant';
import { defineSaga, type StepDeadline } from '@ordo/saga';
import type { OrderSteps } from './order-steps.js';

/** The failure reason when no courier was free before the delivery service's deadline. */
const NO_COURIER = 'no_courier';

export interface CreateOrderData {
  orderId: string;
  customerId: string;
  restaurantId: string;
  lines: Array<{ menuItemId: string; quantity: number }>;
  totalCents: number;
  currency: 'EUR';
  paymentToken: string;
  pickup: GeoPoint;
  /** Sealed: the saga carries the address to the delivery service without being able to read it. */
  dropoff: SealedAddress;
  contact?: SealedValue;
  ticketId?: string;
  paymentId?: string;
  deliveryId?: string;
  courierId?: string;
}

/** Step deadlines: how long one attempt may take and how many attempts a step gets. */
export interface CreateOrderDeadlines {
  readonly kitchen: StepDeadline;
  /** Longer than the payment service's own deadline for a queued authorization. */
  readonly payment: StepDeadline;
  /** Longer than the delivery service's wait for a free courier. */
  readonly courier: StepDeadline;
  /** After the pivot: retried, never compensated. */
  readonly confirm: StepDeadline;
}

export const defaultCreateOrderDeadlines: CreateOrderDeadlines = {
  kitchen: { timeoutMs: 15_000, maxAttempts: 3 },
  payment: { timeoutMs: 90_000, maxAttempts: 2 },
  courier: { timeoutMs: 90_000, maxAttempts: 2 },
  confirm: { timeoutMs: 15_000, maxAttempts: 20 },
};

export function createOrderSaga(steps: OrderSteps, deadlines: CreateOrderDeadlines = defaultCreateOrderDeadlines) {
  return defineSaga<CreateOrderData>({
    name: 'create-order',
    version: 1,
    steps: [
      {
        name: 'order',
        run: async ({ data }) => data,
        // Refused by the kitchen or the card: REJECTED. Accepted and paid for, but no courier came
        // in time: CANCELLED (the hold is voided by the payment step's compensation).
        compensate: ({ tx, data, failure }) =>
          failure?.includes(NO_COURIER)
            ? steps.cancel(tx, data.orderId, failure)
            : steps.reject(tx, data.orderId, failure ?? 'rejected'),
      },
      {
        name: 'create-ticket',
        invoke: (d) => ({
          topic: RestaurantTopics.commands,
          type: RestaurantCommands.createTicket.type,
          payload: { orderId: d.orderId, restaurantId: d.restaurantId, lines: d.lines },
        }),
        onReply: {
          [RestaurantReplies.ticketCreated.type]: (d, r) => ({ next: { ...d, ticketId: String(r.ticketId) } }),
          [RestaurantReplies.ticketRejected.type]: (_d, r) => ({ fail: String(r.reason) }),
        },
        deadline: deadlines.kitchen,
        compensate: (d) => ({
          topic: RestaurantTopics.commands,
          type: RestaurantCommands.cancelTicket.type,
          payload: { orderId: d.orderId },
        }),
        onCompensationReply: {
          [RestaurantReplies.ticketCancelled.type]: (d) => ({ next: d }),
        },
      },
      {
        name: 'authorize-payment',
        invoke: (d) => ({
          topic: PaymentTopics.commands,
          type: PaymentCommands.authorize.type,
          payload: {
            orderId: d.orderId,
            customerId: d.customerId,
            amountCents: d.totalCents,
            currency: d.currency,
            paymentToken: d.paymentToken,
          },
        }),
        onReply: {
          [PaymentReplies.authorized.type]: (d, r) => ({ next: { ...d, paymentId: String(r.paymentId) } }),
          [PaymentReplies.authorizationFailed.type]: (_d, r) => ({ fail: `payment_${String(r.reason)}` }),
        },
        deadline: deadlines.payment,
        compensate: (d) => ({
          topic: PaymentTopics.commands,
          type: PaymentCommands.void.type,
          payload: { orderId: d.orderId },
        }),
        onCompensationReply: {
          [PaymentReplies.voided.type]: (d) => ({ next: d }),
          [PaymentReplies.operationFailed.type]: (_d, r) => ({ fail: `void failed: ${String(r.detail)}` }),
        },
      },
      {
        name: 'assign-courier',
        pivot: true,
        invoke: (d) => ({
          topic: DeliveryTopics.commands,
          type: DeliveryCommands.assignCourier.type,
          payload: {
            orderId: d.orderId,
            restaurantId: d.restaurantId,
            pickup: d.pickup,
            dropoff: d.dropoff,
            ...(d.contact ? { contact: d.contact } : {}),
          },
        }),
        onReply: {
          [DeliveryReplies.courierAssigned.type]: (d, r) => ({
            next: { ...d, deliveryId: String(r.deliveryId), courierId: String(r.courierId) },
          }),
          [DeliveryReplies.assignmentFailed.type]: () => ({ fail: NO_COURIER }),
        },
        deadline: deadlines.courier,
        compensate: (d) => ({
          topic: DeliveryTopics.commands,
          type: DeliveryCommands.cancelDelivery.type,
          payload: { orderId: d.orderId },
        }),
        onCompensationReply: {
          [DeliveryReplies.deliveryCancelled.type]: (d) => ({ next: d }),
        },
      },
      {
        name: 'confirm-ticket',
        invoke: (d) => ({
          topic: RestaurantTopics.commands,
          type: RestaurantCommands.confirmTicket.type,
          payload: { orderId: d.orderId },
        }),
        onReply: {
          [RestaurantReplies.ticketConfirmed.type]: (d) => ({ next: d }),
        },
        deadline: deadlines.confirm,
      },
      {
        name: 'approve-order',
        run: async ({ tx, data }) => {
          await steps.approve(tx, data.orderId, data.courierId ?? null);
          return data;
        },
      },
    ],
  });
}

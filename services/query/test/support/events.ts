// Builds the events the owning services publish, the way their outboxes do (per topic and key,
// seq 1, 2, 3 …), so tests can publish them in order, out of order or twice.
import { DeliveryEvents, DeliveryTopics } from '@ordo/contracts-delivery';
import { OrderEvents, OrderTopics } from '@ordo/contracts-order';
import { PaymentEvents, PaymentTopics } from '@ordo/contracts-payment';
import { RestaurantEvents, RestaurantTopics } from '@ordo/contracts-restaurant';
import { type Envelope, newMessageId } from '@ordo/messaging';

export interface Published {
  readonly topic: string;
  readonly envelope: Envelope;
}

export const LISBON = { lat: 38.7223, lng: -9.1393 };
const ADDRESS = { lat: 38.71, lng: -9.13, line1: 'Rua Augusta 100' };

export class EventLog {
  private readonly seqs = new Map<string, number>();
  private clock = Date.parse('2026-12-01T12:00:00.000Z');
  /** Everything built so far, in the order built (the owning services' commit order). */
  readonly all: Published[] = [];

  event(topic: string, type: string, key: string, payload: Record<string, unknown>): Published {
    const id = `${topic}|${key}`;
    const seq = (this.seqs.get(id) ?? 0) + 1;
    this.seqs.set(id, seq);
    this.clock += 1_000;
    const envelope: Envelope = {
      id: newMessageId(),
      type,
      key,
      seq,
      occurredAt: new Date(this.clock).toISOString(),
      correlationId: `corr-${key}`,
      causationId: null,
      traceparent: null,
      payload,
    };
    const published = { topic, envelope };
    this.all.push(published);
    return published;
  }

  menu(restaurantId: string, name: string, version = 1): Published {
    return this.event(RestaurantTopics.events, RestaurantEvents.menuPublished.type, restaurantId, {
      restaurantId,
      name,
      location: LISBON,
      openingHours: [],
      items: [{ id: 'm1', name: 'Bacalhau', priceCents: 1250, available: true }],
      version,
    });
  }

  staff(userId: string, restaurantId: string): Published {
    return this.event(RestaurantTopics.events, RestaurantEvents.staffAssigned.type, userId, { userId, restaurantId });
  }

  placed(orderId: string, customerId: string, restaurantId = 'r1'): Published {
    return this.event(OrderTopics.events, OrderEvents.placed.type, orderId, {
      orderId,
      customerId,
      restaurantId,
      lines: [{ menuItemId: 'm1', name: 'Bacalhau', quantity: 2, priceCents: 1250 }],
      totalCents: 2500,
      currency: 'EUR',
      deliveryAddress: ADDRESS,
    });
  }

  order(
    kind: 'confirmed' | 'rejected' | 'cancelled' | 'pickedUp' | 'delivered',
    orderId: string,
    customerId: string,
    extra: Record<string, unknown> = {},
    restaurantId = 'r1',
  ): Published {
    const defaults = {
      confirmed: { courierId: 'courier-1' },
      rejected: { reason: 'restaurant_closed' },
      cancelled: { reason: 'customer' },
      pickedUp: { courierId: 'courier-1' },
      delivered: { courierId: 'courier-1' },
    }[kind];
    return this.event(OrderTopics.events, OrderEvents[kind].type, orderId, {
      orderId,
      customerId,
      restaurantId,
      ...defaults,
      ...extra,
    });
  }

  ticketOpened(ticketId: string, orderId: string, restaurantId = 'r1'): Published {
    return this.event(RestaurantTopics.events, RestaurantEvents.ticketOpened.type, ticketId, {
      ticketId,
      orderId,
      restaurantId,
      lines: [{ menuItemId: 'm1', name: 'Bacalhau', quantity: 2 }],
    });
  }

  ticket(kind: 'ticketAccepted' | 'ticketReady', ticketId: string, orderId: string): Published {
    return this.event(RestaurantTopics.events, RestaurantEvents[kind].type, ticketId, { ticketId, orderId });
  }

  courierAssigned(deliveryId: string, orderId: string, courierUserId = 'ana'): Published {
    return this.event(DeliveryTopics.events, DeliveryEvents.courierAssigned.type, deliveryId, {
      deliveryId,
      orderId,
      courierId: 'courier-1',
      courierUserId,
      courierName: 'Ana',
      at: new Date(this.clock).toISOString(),
    });
  }

  delivery(kind: 'pickedUp' | 'delivered', deliveryId: string, orderId: string): Published {
    return this.event(DeliveryTopics.events, DeliveryEvents[kind].type, deliveryId, {
      deliveryId,
      orderId,
      courierId: 'courier-1',
      at: new Date(this.clock).toISOString(),
    });
  }

  captured(paymentId: string, orderId: string): Published {
    return this.event(PaymentTopics.events, PaymentEvents.paymentCaptured.type, paymentId, {
      paymentId,
      orderId,
      amountCents: 2500,
    });
  }

  /** The whole happy path of one order, in commit order. */
  happyPath(orderId: string, customerId: string): Published[] {
    const ticketId = `t-${orderId}`;
    const deliveryId = `d-${orderId}`;
    return [
      this.placed(orderId, customerId),
      this.ticketOpened(ticketId, orderId),
      this.courierAssigned(deliveryId, orderId),
      this.order('confirmed', orderId, customerId),
      this.ticket('ticketAccepted', ticketId, orderId),
      this.ticket('ticketReady', ticketId, orderId),
      this.delivery('pickedUp', deliveryId, orderId),
      this.captured(`p-${orderId}`, orderId),
      this.order('pickedUp', orderId, customerId),
      this.delivery('delivered', deliveryId, orderId),
      this.order('delivered', orderId, customerId),
    ];
  }
}

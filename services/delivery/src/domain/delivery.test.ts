import { Errors } from '@ordo/errors';
import { describe, expect, it } from 'vitest';
import {
  acceptDelivery,
  assignDelivery,
  cancelDelivery,
  cancellationRefusal,
  completeDelivery,
  type Delivery,
  DeliveryStatus,
  pickUpDelivery,
} from './delivery.js';

const t0 = new Date('2026-11-21T12:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1_000);

function assigned(): Delivery {
  return assignDelivery(
    {
      id: 'd1',
      orderId: 'o1',
      sagaId: 's1',
      restaurantId: 'r1',
      courierId: 'c1',
      pickup: { lat: 38.72, lng: -9.14 },
      dropoff: { lat: 38.73, lng: -9.15, line1: 'Rua Augusta 1' },
      correlationId: 'corr-1',
    },
    t0,
  );
}

describe('delivery aggregate', () => {
  it('when a delivery goes through accept, pickup and delivery, then each step stamps its time and pickup and delivery emit events', () => {
    const accepted = acceptDelivery(assigned(), at(1));
    expect(accepted).toMatchObject({ changed: true, events: [] });
    expect(accepted.delivery).toMatchObject({ status: DeliveryStatus.Accepted, acceptedAt: at(1) });

    const picked = pickUpDelivery(accepted.delivery, at(2));
    expect(picked.delivery).toMatchObject({ status: DeliveryStatus.PickedUp, pickedUpAt: at(2) });
    expect(picked.events).toEqual([
      { name: 'pickedUp', payload: { deliveryId: 'd1', orderId: 'o1', courierId: 'c1', at: at(2).toISOString() } },
    ]);

    const delivered = completeDelivery(picked.delivery, at(3));
    expect(delivered.delivery).toMatchObject({ status: DeliveryStatus.Delivered, deliveredAt: at(3) });
    expect(delivered.events.map((e) => e.name)).toEqual(['delivered']);
  });

  it('when a step is requested twice, then the second changes nothing and emits nothing', () => {
    const accepted = acceptDelivery(assigned(), at(1)).delivery;
    expect(acceptDelivery(accepted, at(5))).toEqual({ delivery: accepted, events: [], changed: false });
  });

  it('when a step is skipped or goes backwards, then ORDO_ERR_DELIVERY_ILLEGAL_TRANSITION', () => {
    const d = assigned();
    expect(() => pickUpDelivery(d, at(1))).toThrow(
      expect.objectContaining({ code: Errors.DELIVERY_ILLEGAL_TRANSITION.code }),
    );
    expect(() => completeDelivery(d, at(1))).toThrow(
      expect.objectContaining({ code: Errors.DELIVERY_ILLEGAL_TRANSITION.code, httpStatus: 409 }),
    );
    const picked = pickUpDelivery(acceptDelivery(d, at(1)).delivery, at(2)).delivery;
    expect(() => acceptDelivery(picked, at(3))).toThrow(
      expect.objectContaining({ code: Errors.DELIVERY_ILLEGAL_TRANSITION.code }),
    );
  });

  it('when a delivery is cancelled before pickup, then it is CANCELLED, and cancelling again changes nothing', () => {
    const cancelled = cancelDelivery(acceptDelivery(assigned(), at(1)).delivery, at(2));
    expect(cancelled).toMatchObject({ changed: true, delivery: { status: 'CANCELLED', cancelledAt: at(2) } });
    expect(cancelDelivery(cancelled.delivery, at(3)).changed).toBe(false);
    expect(() => acceptDelivery(cancelled.delivery, at(3))).toThrow(
      expect.objectContaining({ code: Errors.DELIVERY_ILLEGAL_TRANSITION.code }),
    );
  });

  it('when a cancel comes after pickup or delivery, then the refusal names why, and cancelling anyway is an illegal transition', () => {
    const accepted = acceptDelivery(assigned(), at(1)).delivery;
    const picked = pickUpDelivery(accepted, at(2)).delivery;
    const delivered = completeDelivery(picked, at(3)).delivery;
    expect([assigned(), accepted, picked, delivered].map(cancellationRefusal)).toEqual([
      null,
      null,
      'already_picked_up',
      'already_delivered',
    ]);
    expect(() => cancelDelivery(picked, at(3))).toThrow(
      expect.objectContaining({ code: Errors.DELIVERY_ILLEGAL_TRANSITION.code, retryable: false }),
    );
  });
});

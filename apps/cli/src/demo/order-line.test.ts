import { describe, expect, it } from 'vitest';
import { type FinishedOrder, isTerminal, money, orderLine } from './order-line.js';

const delivered: FinishedOrder = {
  id: '1a2b3c4d-0000-4000-8000-000000000000',
  status: 'DELIVERED',
  lines: [{ quantity: 2 }, { quantity: 1 }],
  totalCents: 2450,
  currency: 'EUR',
  rejectionReason: null,
  createdAt: '2025-01-01T12:00:00.000Z',
  updatedAt: '2025-01-01T12:00:38.400Z',
};

describe('orderLine', () => {
  it('when an order is delivered, then one line names it, its restaurant, items, total and time taken', () => {
    const { msg, fields } = orderLine(delivered, 'Pizza Roma');
    expect(msg).toBe('order 1a2b3c4d DELIVERED  Pizza Roma       3 items   €24.50   in 38 s');
    expect(fields).toEqual({
      orderId: delivered.id,
      status: 'DELIVERED',
      restaurant: 'Pizza Roma',
      items: 3,
      totalCents: 2450,
      currency: 'EUR',
      seconds: 38,
    });
  });

  it('when an order is rejected, then the line ends with the reason, shortened if long', () => {
    const reason = `payment_declined: ${'x'.repeat(100)}`;
    const rejected = { ...delivered, status: 'REJECTED' as const, lines: [{ quantity: 1 }], rejectionReason: reason };
    const { msg, fields } = orderLine(rejected, 'Green Bowl');
    expect(msg).toMatch(
      /^order 1a2b3c4d REJECTED {3}Green Bowl {7}1 item {4}€24.50 {3}in 38 s {2}payment_declined: x+…$/,
    );
    expect(msg.length).toBeLessThan(140);
    expect(fields.reason).toBe(reason);
  });

  it('when the server clocks disagree by a little, then the time taken is never negative', () => {
    const { fields } = orderLine({ ...delivered, updatedAt: '2025-01-01T11:59:59.000Z' }, 'X');
    expect(fields.seconds).toBe(0);
  });
});

describe('money', () => {
  it('when the currency is EUR, then it is written with the euro sign and two decimals', () => {
    expect(money(2450, 'EUR')).toBe('€24.50');
    expect(money(5, 'EUR')).toBe('€0.05');
    expect(money(1000, 'CHF')).toBe('10.00 CHF');
  });
});

describe('isTerminal', () => {
  it('when the status is an end state, then it is terminal; otherwise not', () => {
    expect(['DELIVERED', 'REJECTED', 'CANCELLED'].every(isTerminal)).toBe(true);
    expect(['APPROVAL_PENDING', 'CONFIRMED', 'PICKED_UP'].some(isTerminal)).toBe(false);
  });
});

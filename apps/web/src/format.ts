// How amounts, times and statuses read in the app.
import { OrderStatus } from './api/types.js';

const money = new Intl.NumberFormat('en-IE', { style: 'currency', currency: 'EUR' });

export function formatMoney(cents: number, currency = 'EUR'): string {
  return currency === 'EUR'
    ? money.format(cents / 100)
    : new Intl.NumberFormat('en-IE', { style: 'currency', currency }).format(cents / 100);
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export const STATUS_LABEL: Record<OrderStatus, string> = {
  [OrderStatus.ApprovalPending]: 'Placed',
  [OrderStatus.Confirmed]: 'Confirmed',
  [OrderStatus.PickedUp]: 'Picked up',
  [OrderStatus.Delivered]: 'Delivered',
  [OrderStatus.Rejected]: 'Rejected',
  [OrderStatus.Cancelled]: 'Cancelled',
};

/** A reason code from the saga as a sentence (`authorize-payment failed: payment_declined`). */
export function formatReason(reason: string | null): string | undefined {
  if (!reason) return undefined;
  if (/declined/i.test(reason)) return 'The payment was declined. No money was taken.';
  if (/courier/i.test(reason)) return 'No courier was free to take the order.';
  if (/closed|unavailable/i.test(reason)) return 'The restaurant could not take the order.';
  if (/cancel/i.test(reason)) return 'Cancelled at your request.';
  return reason;
}

export function itemCount(quantity: number): string {
  return `${quantity} item${quantity === 1 ? '' : 's'}`;
}

/** A short reference for an order (the end of its id: the start of a UUIDv7 is a timestamp, shared by orders placed together). */
export function shortId(id: string): string {
  return id.replace(/-/g, '').slice(-8).toUpperCase();
}

// The one console line per finished demo order, e.g.
//   order 1a2b3c4d DELIVERED  Curry Corner     2 items  €11.40  in 38 s
// Columns are padded so a stream of them reads as a table in pretty output; the same facts go
// into fields of their own for JSON output.

import { OrderStatus } from '@ordo/contracts-order';

export const TERMINAL_STATUSES = [OrderStatus.Delivered, OrderStatus.Rejected, OrderStatus.Cancelled] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

export function isTerminal(status: string): status is TerminalStatus {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

/** The parts of the order API's view that the line needs. */
export interface FinishedOrder {
  readonly id: string;
  readonly status: TerminalStatus;
  readonly lines: ReadonlyArray<{ readonly quantity: number }>;
  readonly totalCents: number;
  readonly currency: string;
  readonly rejectionReason: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface OrderLineFields {
  readonly orderId: string;
  readonly status: TerminalStatus;
  readonly restaurant: string;
  readonly items: number;
  readonly totalCents: number;
  readonly currency: string;
  /** From placing the order to its last change, by the server's clock. */
  readonly seconds: number;
  readonly reason?: string;
}

const REASON_WIDTH = 60;

export function money(cents: number, currency: string): string {
  const amount = (cents / 100).toFixed(2);
  return currency === 'EUR' ? `€${amount}` : `${amount} ${currency}`;
}

export function orderLine(order: FinishedOrder, restaurant: string): { msg: string; fields: OrderLineFields } {
  const items = order.lines.reduce((sum, line) => sum + line.quantity, 0);
  const seconds = Math.max(0, Math.round((Date.parse(order.updatedAt) - Date.parse(order.createdAt)) / 1000));
  const reason = order.status === OrderStatus.Delivered ? undefined : (order.rejectionReason ?? undefined);
  const columns = [
    `order ${order.id.slice(0, 8)} ${order.status.padEnd(9)}`,
    restaurant.padEnd(15),
    `${items} ${items === 1 ? 'item' : 'items'}`.padEnd(8),
    money(order.totalCents, order.currency).padEnd(7),
    `in ${seconds} s`,
  ];
  if (reason) columns.push(reason.length > REASON_WIDTH ? `${reason.slice(0, REASON_WIDTH - 1)}…` : reason);
  return {
    msg: columns.join('  '),
    fields: {
      orderId: order.id,
      status: order.status,
      restaurant,
      items,
      totalCents: order.totalCents,
      currency: order.currency,
      seconds,
      ...(reason ? { reason } : {}),
    },
  };
}

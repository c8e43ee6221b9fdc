// Completion in the embedded shape, whose PGlite database only its own process can open: each
// customer with orders in flight lists their newest orders once per poll (GET /v1/orders, newest
// first, just deep enough to reach their oldest pending one). With few customers that is a few
// light requests per interval, whatever the number of orders in flight.
import type { Customers } from '../customers.js';
import type { HttpClient } from '../http-client.js';
import type { PendingOrder, StatusRow, StatusSource } from './tracker.js';

interface OrderView {
  id: string;
  status: string;
  rejectionReason: string | null;
  updatedAt: string;
}

const PAGE_MAX = 100;

const toRow = (o: OrderView): StatusRow => ({
  id: o.id,
  status: o.status,
  reason: o.rejectionReason,
  updatedAtMs: Date.parse(o.updatedAt),
});

export function httpStatusSource(http: HttpClient, customers: Customers): StatusSource {
  return {
    description: 'GET /v1/orders (newest first) per customer with orders in flight',
    // Reads go through the API into the process's own PGlite: no separate database to correct.
    statements: 0,
    async read(pending, latestSeq) {
      const byCustomer = new Map<number, PendingOrder[]>();
      for (const p of pending.values()) byCustomer.set(p.customer, [...(byCustomer.get(p.customer) ?? []), p]);
      const rows: StatusRow[] = [];
      await Promise.all(
        [...byCustomer].map(async ([customer, orders]) => {
          const oldest = Math.min(...orders.map((o) => o.seq));
          // Concurrent POSTs of one customer may be created in another order than answered: a margin.
          const depth = latestSeq(customer) - oldest + 1 + orders.length;
          const page = await http.get<{ orders: OrderView[] }>(
            `/v1/orders?limit=${Math.min(PAGE_MAX, depth)}`,
            customers.token(customer),
          );
          if (page.status !== 200) throw new Error(`GET /v1/orders answered ${page.status}`);
          rows.push(...page.body.orders.map(toRow));
          if (depth <= PAGE_MAX) return;
          // Deeper than one page: the ones the page did not reach, one by one.
          const seen = new Set(page.body.orders.map((o) => o.id));
          for (const o of orders.filter((x) => !seen.has(x.id))) {
            const one = await http.get<OrderView>(`/v1/orders/${o.id}`, customers.token(customer));
            if (one.status === 200) rows.push(toRow(one.body));
          }
        }),
      );
      return rows;
    },
    close: async () => undefined,
  };
}

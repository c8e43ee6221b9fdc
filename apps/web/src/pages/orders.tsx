// The customer's past orders, newest first, a page at a time.
import { useEffect, useState } from 'preact/hooks';
import type { Order, Restaurant } from '../api/types.js';
import { Empty, ErrorBox, Loading } from '../components/states.js';
import { StatusBadge } from '../components/status-timeline.js';
import { formatDateTime, formatMoney, itemCount } from '../format.js';
import { onLinkClick } from '../router.js';
import { api } from '../session.js';

export function OrdersPage({ restaurants }: { restaurants: readonly Restaurant[] }) {
  const [orders, setOrders] = useState<Order[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'more'>('loading');
  const [error, setError] = useState<unknown>();

  const load = async (after?: string) => {
    setState(after ? 'more' : 'loading');
    setError(undefined);
    try {
      const page = await api.orders(after);
      setOrders((list) => (after ? [...list, ...page.orders] : page.orders));
      setNext(page.next);
    } catch (e) {
      setError(e);
    }
    setState('ready');
  };
  useEffect(() => void load(), []);

  const name = (id: string) => restaurants.find((r) => r.id === id)?.name ?? 'Restaurant';
  return (
    <>
      <div class="page-head">
        <h1>My orders</h1>
      </div>
      {state === 'loading' && <Loading label="Loading your orders…" />}
      {error !== undefined && (
        <ErrorBox error={error} onRetry={() => void load(orders.length ? (next ?? undefined) : undefined)} />
      )}
      {state !== 'loading' && error === undefined && orders.length === 0 && (
        <Empty>
          No orders yet.{' '}
          <a href="/" onClick={onLinkClick}>
            Find something to eat
          </a>
          .
        </Empty>
      )}
      {orders.length > 0 && (
        <ul class="order-list" aria-label="Orders">
          {orders.map((order) => (
            <li key={order.id}>
              <a href={`/orders/${encodeURIComponent(order.id)}`} onClick={onLinkClick} class="card order-row">
                <span class="order-row-main">
                  <strong>{name(order.restaurantId)}</strong>
                  <span class="muted small">
                    {formatDateTime(order.createdAt)} · {itemCount(order.lines.reduce((n, l) => n + l.quantity, 0))}
                  </span>
                </span>
                <span class="order-row-side">
                  <StatusBadge status={order.status} />
                  <span>{formatMoney(order.totalCents, order.currency)}</span>
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
      {next && error === undefined && (
        <button
          type="button"
          class="button button-secondary"
          disabled={state === 'more'}
          onClick={() => void load(next)}
        >
          {state === 'more' ? 'Loading…' : 'Load more'}
        </button>
      )}
    </>
  );
}

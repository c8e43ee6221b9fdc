// One order: the map (restaurant, destination, courier, route), the ETA, the status timeline,
// what was ordered, and cancelling while it is allowed. Kept current by the track client.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, describeError, newIdempotencyKey } from '../api/client.js';
import { type LatLng, type Order, OrderStatus, type Restaurant } from '../api/types.js';
import { CityMap } from '../components/city-map.js';
import { ErrorBox, Loading, useAsync } from '../components/states.js';
import { StatusBadge, StatusTimeline } from '../components/status-timeline.js';
import { formatMoney, formatReason, formatTime, shortId } from '../format.js';
import { onLinkClick } from '../router.js';
import { api, getSession, setSession } from '../session.js';
import { type TrackMode, trackOrder } from '../track/track-client.js';

const FINAL: ReadonlySet<OrderStatus> = new Set([OrderStatus.Delivered, OrderStatus.Rejected, OrderStatus.Cancelled]);

export function OrderPage({
  orderId,
  restaurants,
  tileUrl,
}: {
  orderId: string;
  restaurants: readonly Restaurant[];
  tileUrl: string | null;
}) {
  const initial = useAsync(() => api.order(orderId), [orderId]);
  if (initial.state === 'loading') return <Loading label="Loading your order…" />;
  if (initial.state === 'failed') {
    const gone = initial.error instanceof ApiError && initial.error.status === 404;
    return gone ? (
      <div class="notice notice-error" role="alert">
        <p>There is no such order on your account.</p>
        <a href="/orders" onClick={onLinkClick}>
          See your orders
        </a>
      </div>
    ) : (
      <ErrorBox error={initial.error} onRetry={initial.reload} />
    );
  }
  return <LiveOrder key={orderId} initial={initial.data} restaurants={restaurants} tileUrl={tileUrl} />;
}

function LiveOrder({
  initial,
  restaurants,
  tileUrl,
}: {
  initial: Order;
  restaurants: readonly Restaurant[];
  tileUrl: string | null;
}) {
  const [order, setOrder] = useState(initial);
  const [seen, setSeen] = useState<Partial<Record<OrderStatus, string>>>({ [initial.status]: initial.updatedAt });
  const [position, setPosition] = useState<LatLng & { at: string }>();
  const [eta, setEta] = useState<string>();
  const [mode, setMode] = useState<TrackMode>('connecting');
  const [trackError, setTrackError] = useState<string>();
  const [cancel, setCancel] = useState<'idle' | 'confirm' | 'sending' | 'requested'>('idle');
  const [cancelError, setCancelError] = useState<string>();
  const cancelKey = useRef<string>();
  const final = FINAL.has(order.status);

  useEffect(() => {
    if (final) return;
    const record = (next: Order) => {
      setOrder(next);
      setSeen((s) => (s[next.status] ? s : { ...s, [next.status]: next.updatedAt }));
    };
    const tracker = trackOrder({
      orderId: initial.id,
      token: () => getSession()?.token,
      onMode: setMode,
      onError: (status) => {
        // An expired session sends the person to sign in, and back here afterwards.
        if (status === 401) setSession(undefined);
        else setTrackError(status === 404 ? 'This order is no longer available.' : 'You may not follow this order.');
      },
      onEvent: (event) => {
        switch (event.type) {
          case 'order':
            record(event.order);
            break;
          case 'position':
            setPosition({ lat: event.lat, lng: event.lng, at: event.at });
            break;
          case 'eta':
            setEta(event.at ?? new Date(Date.now() + (event.etaSeconds ?? 0) * 1000).toISOString());
            break;
          case 'status':
            setSeen((s) => ({ ...s, [event.status]: event.at }));
            // The rest of the order (courier, reason) comes with the order itself.
            api.order(initial.id).then(record, () => undefined);
            break;
        }
      },
    });
    return () => tracker.stop();
  }, [initial.id, final]);

  const restaurant = restaurants.find((r) => r.id === order.restaurantId);
  const pickedUp = order.status === OrderStatus.PickedUp || order.status === OrderStatus.Delivered;
  const courierPosition = position ?? order.courier?.position ?? undefined;
  const hasCourier = order.courierId !== null && !final;
  const courier = hasCourier
    ? courierPosition
      ? { name: order.courier?.name, position: courierPosition, approximate: false }
      : restaurant
        ? { name: order.courier?.name, position: restaurant.location, approximate: true }
        : undefined
    : order.status === OrderStatus.Delivered
      ? { name: order.courier?.name, position: order.deliveryAddress, approximate: false }
      : undefined;
  const arrival =
    eta ??
    order.eta ??
    (order.etaSeconds != null ? new Date(Date.now() + order.etaSeconds * 1000).toISOString() : undefined);
  const cancellable = order.status === OrderStatus.Confirmed && cancel !== 'requested';

  async function requestCancel() {
    setCancel('sending');
    setCancelError(undefined);
    // One key per cancellation the person asks for, kept across retries after a lost answer.
    cancelKey.current ??= newIdempotencyKey();
    try {
      await api.cancelOrder(order.id, cancelKey.current);
      setCancel('requested');
    } catch (e) {
      if (e instanceof ApiError) cancelKey.current = undefined;
      setCancel('idle');
      setCancelError(describeError(e));
    }
  }

  return (
    <div class="order-layout">
      <div class="order-head">
        <a href="/orders" onClick={onLinkClick} class="back-link">
          ← My orders
        </a>
        <div class="order-title">
          <h1>
            {restaurant?.name ?? 'Your order'} <span class="muted order-id">#{shortId(order.id)}</span>
          </h1>
          <StatusBadge status={order.status} />
        </div>
        <p class="eta" aria-live="polite" data-testid="eta">
          {order.status === OrderStatus.Delivered ? (
            <>Delivered at {formatTime(seen.DELIVERED ?? order.updatedAt)}</>
          ) : final ? (
            (formatReason(order.rejectionReason) ??
            (order.status === OrderStatus.Cancelled ? 'The order was cancelled.' : 'The order could not go through.'))
          ) : arrival ? (
            <>
              Arrives around <strong>{formatTime(arrival).slice(0, 5)}</strong>
              <span class="muted">
                {' '}
                · in {Math.max(1, Math.round((Date.parse(arrival) - Date.now()) / 60_000))} min
              </span>
            </>
          ) : order.status === OrderStatus.ApprovalPending ? (
            'Confirming your order…'
          ) : (
            'Arrival time appears once your courier shares their position.'
          )}
        </p>
        {!final && (
          <p class={`live live-${mode}`} data-testid="track-mode">
            <span class="live-dot" aria-hidden="true" />
            {mode === 'live'
              ? 'Live'
              : mode === 'polling'
                ? 'Updating every few seconds'
                : mode === 'reconnecting'
                  ? 'Reconnecting…'
                  : 'Connecting…'}
          </p>
        )}
        {trackError && (
          <p class="notice notice-error" role="alert">
            {trackError}
          </p>
        )}
      </div>

      <div class="order-map">
        <CityMap
          restaurant={restaurant}
          destination={order.deliveryAddress}
          courier={courier}
          pickedUp={pickedUp}
          tileUrl={tileUrl}
        />
      </div>

      <section class="card order-status" aria-labelledby="status-title">
        <h2 id="status-title">Status</h2>
        <StatusTimeline order={order} seen={seen} />
        {cancellable && (
          <div class="cancel">
            {cancel === 'confirm' ? (
              <>
                <p>Cancel this order? Your card hold is released.</p>
                <div class="button-row">
                  <button type="button" class="button button-danger" onClick={requestCancel}>
                    Yes, cancel
                  </button>
                  <button type="button" class="button button-secondary" onClick={() => setCancel('idle')}>
                    Keep it
                  </button>
                </div>
              </>
            ) : (
              <button
                type="button"
                class="button button-secondary"
                disabled={cancel === 'sending'}
                onClick={() => setCancel('confirm')}
              >
                {cancel === 'sending' ? 'Cancelling…' : 'Cancel order'}
              </button>
            )}
          </div>
        )}
        {cancel === 'requested' && order.status !== OrderStatus.Cancelled && (
          <p class="notice" role="status">
            Cancellation requested…
          </p>
        )}
        {cancelError && (
          <p class="notice notice-error" role="alert">
            {cancelError}
          </p>
        )}
      </section>

      <section class="card order-lines" aria-labelledby="lines-title">
        <h2 id="lines-title">Your order</h2>
        <ul class="cart-lines">
          {order.lines.map((line) => (
            <li key={line.menuItemId}>
              <span>
                {line.quantity} × {line.name}
              </span>
              <span>{formatMoney(line.priceCents * line.quantity, order.currency)}</span>
            </li>
          ))}
        </ul>
        <p class="cart-total">
          <span>Total</span>
          <strong>{formatMoney(order.totalCents, order.currency)}</strong>
        </p>
        <p class="muted small">To {order.deliveryAddress.line1}</p>
      </section>
    </div>
  );
}

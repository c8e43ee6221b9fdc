// A restaurant's menu, the cart, and checkout: where to, which test card, pay.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, describeError, newIdempotencyKey } from '../api/client.js';
import type { Menu } from '../api/types.js';
import { ErrorBox, Loading, useAsync } from '../components/states.js';
import { formatMoney, itemCount } from '../format.js';
import { ADDRESSES } from '../map/demo-addresses.js';
import { navigate, onLinkClick } from '../router.js';
import { api } from '../session.js';

/** The simulated payment provider's test cards. */
export const TEST_CARDS = [
  { token: 'tok_visa', label: 'Visa test card', detail: '•••• 4242 · always approved' },
  { token: 'tok_declined', label: 'Declined test card', detail: '•••• 0002 · always declined' },
] as const;

type Cart = Record<string, number>;

export function MenuPage({ restaurantId }: { restaurantId: string }) {
  const menu = useAsync(() => api.menu(restaurantId), [restaurantId]);
  return (
    <>
      <a href="/" onClick={onLinkClick} class="back-link">
        ← All restaurants
      </a>
      {menu.state === 'loading' && <Loading label="Loading the menu…" />}
      {menu.state === 'failed' && <ErrorBox error={menu.error} onRetry={menu.reload} />}
      {menu.state === 'ready' && <MenuAndCart menu={menu.data} />}
    </>
  );
}

function MenuAndCart({ menu }: { menu: Menu }) {
  const [cart, setCart] = useState<Cart>({});
  const [address, setAddress] = useState(0);
  const [card, setCard] = useState<string>(TEST_CARDS[0].token);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  // One key per order the person means to place: a double click or a retry after a lost answer
  // reuses it (one order); changing the cart, address or card is another order, with a new key.
  const intent = useRef<string>();
  useEffect(() => {
    intent.current = undefined;
  }, [cart, address, card]);

  const lines = useMemo(
    () => menu.items.filter((item) => (cart[item.id] ?? 0) > 0).map((item) => ({ item, quantity: cart[item.id] ?? 0 })),
    [menu, cart],
  );
  const total = lines.reduce((sum, l) => sum + l.item.priceCents * l.quantity, 0);
  const count = lines.reduce((sum, l) => sum + l.quantity, 0);
  const change = (id: string, delta: number) =>
    setCart((c) => ({ ...c, [id]: Math.max(0, Math.min(50, (c[id] ?? 0) + delta)) }));

  async function pay(event: Event) {
    event.preventDefault();
    const deliveryAddress = ADDRESSES[address];
    if (!deliveryAddress || lines.length === 0) return;
    setBusy(true);
    setError(undefined);
    intent.current ??= newIdempotencyKey();
    try {
      const placed = await api.placeOrder(
        {
          restaurantId: menu.id,
          items: lines.map((l) => ({ menuItemId: l.item.id, quantity: l.quantity })),
          deliveryAddress,
          paymentToken: card,
        },
        intent.current,
      );
      navigate(`/orders/${encodeURIComponent(placed.id)}`);
    } catch (e) {
      // Ordo answered: that attempt is over, a new click is a new attempt. Without an answer the
      // order may exist, so a retry keeps the key and cannot place it twice.
      if (e instanceof ApiError) intent.current = undefined;
      setError(describeError(e));
      setBusy(false);
    }
  }

  const closed = !menu.openNow;
  return (
    <div class="menu-layout">
      <section aria-labelledby="menu-title">
        <div class="page-head">
          <h1 id="menu-title">{menu.name}</h1>
          <p class="muted">
            {closed ? 'Closed right now — you can look, but not order.' : 'Open now · delivered by our couriers'}
          </p>
        </div>
        <ul class="menu-list">
          {menu.items.map((item) => {
            const quantity = cart[item.id] ?? 0;
            return (
              <li key={item.id} class={`menu-item${item.available ? '' : ' is-unavailable'}`}>
                <div class="menu-item-body">
                  <strong>{item.name}</strong>
                  <span class="muted">{item.available ? formatMoney(item.priceCents) : 'Sold out today'}</span>
                </div>
                {item.available && !closed && (
                  <fieldset class="stepper">
                    <legend class="visually-hidden">{item.name}: quantity</legend>
                    {quantity > 0 && (
                      <>
                        <button
                          type="button"
                          class="stepper-button"
                          onClick={() => change(item.id, -1)}
                          aria-label={`Remove one ${item.name}`}
                        >
                          −
                        </button>
                        <output class="stepper-value" aria-live="polite" aria-label={`${quantity} in cart`}>
                          {quantity}
                        </output>
                      </>
                    )}
                    <button
                      type="button"
                      class="stepper-button stepper-add"
                      onClick={() => change(item.id, 1)}
                      aria-label={`Add ${item.name}`}
                    >
                      +
                    </button>
                  </fieldset>
                )}
              </li>
            );
          })}
        </ul>
      </section>

      <aside class="card cart" aria-labelledby="cart-title">
        <h2 id="cart-title">Your order</h2>
        {lines.length === 0 ? (
          <p class="muted">Add something from the menu to start.</p>
        ) : (
          <form onSubmit={pay} class="form">
            <ul class="cart-lines">
              {lines.map((l) => (
                <li key={l.item.id}>
                  <span>
                    {l.quantity} × {l.item.name}
                  </span>
                  <span>{formatMoney(l.item.priceCents * l.quantity)}</span>
                </li>
              ))}
            </ul>
            <p class="cart-total">
              <span>Total · {itemCount(count)}</span>
              <strong data-testid="cart-total">{formatMoney(total)}</strong>
            </p>
            <label class="field">
              <span>Deliver to</span>
              <select
                name="address"
                value={address}
                onChange={(e) => setAddress(Number((e.target as HTMLSelectElement).value))}
              >
                {ADDRESSES.map((a, i) => (
                  <option key={a.line1} value={i}>
                    {a.line1}, Berlin
                  </option>
                ))}
              </select>
            </label>
            <fieldset class="field cards">
              <legend>Pay with</legend>
              {TEST_CARDS.map((c) => (
                <label key={c.token} class={`card-option${card === c.token ? ' is-selected' : ''}`}>
                  <input
                    type="radio"
                    name="card"
                    value={c.token}
                    checked={card === c.token}
                    onChange={() => setCard(c.token)}
                  />
                  <span>
                    <strong>{c.label}</strong>
                    <span class="muted small">{c.detail}</span>
                  </span>
                </label>
              ))}
            </fieldset>
            {error && (
              <p class="notice notice-error" role="alert">
                {error}
              </p>
            )}
            <button type="submit" class="button button-primary button-block" disabled={busy}>
              {busy ? 'Placing your order…' : `Pay ${formatMoney(total)}`}
            </button>
            <p class="muted small">Test cards only: the demo's payment provider is simulated.</p>
          </form>
        )}
      </aside>
    </div>
  );
}

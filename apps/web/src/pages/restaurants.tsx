// The restaurants, open ones first.
import type { Restaurant } from '../api/types.js';
import { Empty, ErrorBox, Loading, useAsync } from '../components/states.js';
import { CITY_CENTRE } from '../map/demo-city.js';
import { onLinkClick } from '../router.js';
import { api } from '../session.js';

function kmFromCentre(r: Restaurant): string {
  const dLat = (r.location.lat - CITY_CENTRE.lat) * 111.32;
  const dLng = (r.location.lng - CITY_CENTRE.lng) * 111.32 * Math.cos((CITY_CENTRE.lat * Math.PI) / 180);
  return `${Math.hypot(dLat, dLng).toFixed(1)} km from the centre`;
}

export function RestaurantsPage() {
  const restaurants = useAsync(() => api.restaurants(), []);
  return (
    <>
      <div class="page-head">
        <h1>Restaurants</h1>
        <p class="muted">Pick a kitchen, build your order, and watch it come to you.</p>
      </div>
      {restaurants.state === 'loading' && <Loading label="Loading restaurants…" />}
      {restaurants.state === 'failed' && <ErrorBox error={restaurants.error} onRetry={restaurants.reload} />}
      {restaurants.state === 'ready' &&
        (restaurants.data.length === 0 ? (
          <Empty>No restaurants yet.</Empty>
        ) : (
          <ul class="grid restaurant-grid">
            {[...restaurants.data]
              .sort((a, b) => Number(b.openNow) - Number(a.openNow) || a.name.localeCompare(b.name))
              .map((r) => (
                <li key={r.id}>
                  <a
                    href={`/restaurants/${encodeURIComponent(r.id)}`}
                    onClick={onLinkClick}
                    class={`card restaurant-card${r.openNow ? '' : ' is-closed'}`}
                  >
                    <span class="restaurant-initial" aria-hidden="true">
                      {r.name.slice(0, 1)}
                    </span>
                    <span class="restaurant-body">
                      <strong>{r.name}</strong>
                      <span class="muted small">{kmFromCentre(r)}</span>
                    </span>
                    <span class={r.openNow ? 'badge badge-open' : 'badge badge-closed'}>
                      {r.openNow ? 'Open' : 'Closed'}
                    </span>
                  </a>
                </li>
              ))}
          </ul>
        ))}
    </>
  );
}

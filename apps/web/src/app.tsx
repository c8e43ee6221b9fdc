// The app: loads its config and the restaurants once, then shows the page the path names,
// sending whoever is not signed in (or signed in with another role) to the sign-in page.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Restaurant, Role, WebConfig } from './api/types.js';
import { Layout } from './components/layout.js';
import { ErrorBox, Loading, useAsync } from './components/states.js';
import { KitchenPage } from './pages/kitchen.js';
import { MenuPage } from './pages/menu.js';
import { OrderPage } from './pages/order.js';
import { OrdersPage } from './pages/orders.js';
import { RestaurantsPage } from './pages/restaurants.js';
import { SignInPage } from './pages/sign-in.js';
import { match, navigate, onLinkClick, type Route, usePath } from './router.js';
import { api, getSession, onSessionChange, type Session } from './session.js';

const NO_CONFIG: WebConfig = { demoAccounts: [], tileUrl: null };

function requiredRole(route: Route): Role | undefined {
  switch (route.page) {
    case 'restaurants':
    case 'menu':
    case 'orders':
    case 'order':
      return 'customer';
    case 'kitchen':
      return 'restaurant';
    default:
      return undefined;
  }
}

function useSession(): Session | undefined {
  const [session, setSession] = useState(getSession());
  useEffect(() => onSessionChange(() => setSession(getSession())), []);
  return session;
}

export function App() {
  const path = usePath();
  const session = useSession();
  const boot = useAsync(
    // The config only matters for the demo accounts and tiles: without it the app still works.
    () => Promise.all([api.config().catch(() => NO_CONFIG), api.restaurants()]),
    [],
  );
  const route = match(path);
  const role = requiredRole(route);

  useEffect(() => {
    if (role && !session) {
      const next = route.page === 'restaurants' ? '' : `?next=${encodeURIComponent(path)}`;
      navigate(`/sign-in${next}`, { replace: true });
    }
    if (route.page === 'sign-in' && session)
      navigate(session.me.role === 'restaurant' ? '/kitchen' : '/', { replace: true });
  }, [role, session, route.page, path]);

  useEffect(() => {
    const titles: Record<Route['page'], string> = {
      restaurants: 'Restaurants',
      menu: 'Menu',
      orders: 'My orders',
      order: 'Your order',
      kitchen: 'Kitchen tickets',
      'sign-in': 'Sign in',
      'not-found': 'Not found',
    };
    document.title = `${titles[route.page]} · Ordo`;
  }, [route.page]);

  let content: ComponentChildren;
  if (boot.state === 'loading') content = <Loading />;
  else if (boot.state === 'failed') content = <ErrorBox error={boot.error} onRetry={boot.reload} />;
  else {
    const [config, restaurants] = boot.data;
    content = page(route, session, config, restaurants);
  }
  return (
    <Layout session={session} path={path}>
      {content}
    </Layout>
  );
}

function page(route: Route, session: Session | undefined, config: WebConfig, restaurants: Restaurant[]) {
  const role = requiredRole(route);
  if (route.page === 'sign-in' || (role && !session)) {
    return <SignInPage demoAccounts={config.demoAccounts} restaurants={restaurants} />;
  }
  if (role && session && session.me.role !== role) {
    return (
      <div class="notice" role="alert">
        <p>
          This page is for {role === 'customer' ? 'customers' : 'restaurant staff'}; you are signed in as{' '}
          {session.me.email} ({session.me.role}).
        </p>
        <a href={session.me.role === 'restaurant' ? '/kitchen' : '/'} onClick={onLinkClick}>
          Go to your start page
        </a>
      </div>
    );
  }
  switch (route.page) {
    case 'restaurants':
      return <RestaurantsPage />;
    case 'menu':
      return <MenuPage restaurantId={route.restaurantId} />;
    case 'orders':
      return <OrdersPage restaurants={restaurants} />;
    case 'order':
      return <OrderPage orderId={route.orderId} restaurants={restaurants} tileUrl={config.tileUrl} />;
    case 'kitchen':
      return <KitchenPage restaurants={restaurants} />;
    default:
      return (
        <div class="state state-empty">
          <h1>Page not found</h1>
          <a href="/" onClick={onLinkClick}>
            Back to the restaurants
          </a>
        </div>
      );
  }
}

// A small history-API router: the gateway answers every client route with index.html, and the
// app decides what to show from the path.
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set<() => void>();

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.scrollTo(0, 0);
  for (const listener of listeners) listener();
}

addEventListener('popstate', () => {
  for (const listener of listeners) listener();
});

/** The current path, re-rendering on every navigation. */
export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);
  return path;
}

export type Route =
  | { page: 'restaurants' }
  | { page: 'menu'; restaurantId: string }
  | { page: 'orders' }
  | { page: 'order'; orderId: string }
  | { page: 'kitchen' }
  | { page: 'sign-in' }
  | { page: 'not-found' };

export function match(path: string): Route {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, ...rest] = parts;
  if (rest.length > 0) return { page: 'not-found' };
  if (first === undefined) return { page: 'restaurants' };
  if (first === 'sign-in' && second === undefined) return { page: 'sign-in' };
  if (first === 'kitchen' && second === undefined) return { page: 'kitchen' };
  if (first === 'restaurants' && second) return { page: 'menu', restaurantId: second };
  if (first === 'orders') return second ? { page: 'order', orderId: second } : { page: 'orders' };
  return { page: 'not-found' };
}

/** An <a> that navigates without reloading the page (and still opens in a new tab when asked). */
export function onLinkClick(event: MouseEvent): void {
  const anchor = (event.currentTarget as HTMLAnchorElement | null) ?? null;
  if (!anchor || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(anchor.getAttribute('href') ?? '/');
}

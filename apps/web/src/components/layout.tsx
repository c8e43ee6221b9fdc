// The frame of every page: the header with the sections the signed-in person may use.
import type { ComponentChildren } from 'preact';
import { onLinkClick } from '../router.js';
import { type Session, signOut } from '../session.js';

export function Layout({
  session,
  path,
  children,
}: {
  session: Session | undefined;
  path: string;
  children: ComponentChildren;
}) {
  const role = session?.me.role;
  const links =
    role === 'customer'
      ? [
          { href: '/', label: 'Restaurants' },
          { href: '/orders', label: 'My orders' },
        ]
      : role === 'restaurant'
        ? [{ href: '/kitchen', label: 'Tickets' }]
        : [];
  const active = (href: string) =>
    href === '/' ? path === '/' || path.startsWith('/restaurants') : path.startsWith(href);
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <div class="topbar-inner">
          <a href={role === 'restaurant' ? '/kitchen' : '/'} class="brand" onClick={onLinkClick} aria-label="Ordo home">
            <span class="brand-mark" aria-hidden="true" />
            Ordo
          </a>
          {links.length > 0 && (
            <nav aria-label="Main">
              {links.map((link) => (
                <a
                  key={link.href}
                  href={link.href}
                  onClick={onLinkClick}
                  class={active(link.href) ? 'nav-link is-active' : 'nav-link'}
                  aria-current={active(link.href) ? 'page' : undefined}
                >
                  {link.label}
                </a>
              ))}
            </nav>
          )}
          {session && (
            <div class="account">
              <span class="account-email" title={session.me.email}>
                {session.me.email}
              </span>
              <button type="button" class="button button-ghost" onClick={() => void signOut()}>
                Sign out
              </button>
            </div>
          )}
        </div>
      </header>
      <main id="main" class="page">
        {children}
      </main>
    </>
  );
}

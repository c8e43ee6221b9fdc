// Sign in with email and password. In the embedded demo the gateway passes the demo customer's
// and kitchens' accounts, offered here so a first visit needs no file to open.
import { useState } from 'preact/hooks';
import { describeError } from '../api/client.js';
import type { DemoAccount, Restaurant } from '../api/types.js';
import { navigate } from '../router.js';
import { signIn } from '../session.js';

export function SignInPage({
  demoAccounts,
  restaurants,
}: {
  demoAccounts: readonly DemoAccount[];
  restaurants: readonly Restaurant[];
}) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const session = await signIn(email.trim(), password);
      const next = new URLSearchParams(location.search).get('next');
      const home = session.me.role === 'restaurant' ? '/kitchen' : '/';
      navigate(next?.startsWith('/') && !next.startsWith('//') ? next : home, { replace: true });
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  }

  const use = (account: DemoAccount) => {
    setEmail(account.email);
    setPassword(account.password);
    setError(undefined);
  };
  const customer = demoAccounts.find((a) => a.role === 'customer');
  const staff = demoAccounts.filter((a) => a.role === 'restaurant');
  const restaurantName = (id?: string) => restaurants.find((r) => r.id === id)?.name ?? id ?? 'a restaurant';

  return (
    <div class="sign-in">
      <section class="card sign-in-card" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in</h1>
        <p class="muted">Order from the restaurants nearby and follow your courier to the door.</p>
        <form onSubmit={submit} class="form" noValidate>
          <label class="field">
            <span>Email</span>
            <input
              type="email"
              name="email"
              autoComplete="username"
              required
              value={email}
              onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
            />
          </label>
          <label class="field">
            <span>Password</span>
            <input
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
            />
          </label>
          {error && (
            <p class="notice notice-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" class="button button-primary button-block" disabled={busy || !email || !password}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </section>

      {customer && (
        <section class="card demo-card" aria-labelledby="demo-title">
          <h2 id="demo-title">Demo accounts</h2>
          <p class="muted small">
            This is the embedded demo: these accounts were created on its first start (kept in{' '}
            <code>demo-credentials.json</code> in the data directory).
          </p>
          <dl class="demo-account">
            <dt>Customer</dt>
            <dd>
              <code data-testid="demo-email">{customer.email}</code>
              <code data-testid="demo-password">{customer.password}</code>
            </dd>
          </dl>
          <button type="button" class="button button-secondary button-block" onClick={() => use(customer)}>
            Use the demo customer
          </button>
          {staff.length > 0 && (
            <details class="demo-staff">
              <summary>Restaurant staff</summary>
              <ul>
                {staff.map((account) => (
                  <li key={account.email}>
                    <span>{restaurantName(account.restaurantId)}</span>
                    <button type="button" class="button button-ghost" onClick={() => use(account)}>
                      Use
                    </button>
                  </li>
                ))}
              </ul>
            </details>
          )}
        </section>
      )}
    </div>
  );
}

// Who is signed in: the access token, the refresh token and the account, kept in sessionStorage
// (this tab only, gone when it closes). The access token lives 15 minutes; it is renewed with the
// refresh token shortly before it expires, and on a 401. A refresh token works once: renewals
// share one request in flight, since two with the same token would end the session (ADR 0016).
import { createApiClient } from './api/client.js';
import type { Me, TokenResponse as SessionTokens } from './api/types.js';

export interface Session {
  token: string;
  me: Me;
  /** When to stop using `token` (a little before it expires). */
  expiresAt: number;
  refreshToken?: string;
  /** When the refresh token expires; the session ends then. */
  refreshExpiresAt?: number;
}

const KEY = 'ordo.session';
// Renew this long before the access token expires.
const RENEW_MARGIN_MS = 60_000;
const listeners = new Set<() => void>();
let renewal: Promise<Session | undefined> | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;

const endsAt = (session: Session) => session.refreshExpiresAt ?? session.expiresAt;

function read(): Session | undefined {
  try {
    const session = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return session && endsAt(session) > Date.now() ? session : undefined;
  } catch {
    return undefined;
  }
}

let current = read();
schedule();

export function getSession(): Session | undefined {
  if (current && endsAt(current) <= Date.now()) setSession(undefined);
  // A stale access token (a tab that slept) is renewed in the background; the caller gets a 401
  // at worst, which renews too.
  if (current && current.expiresAt <= Date.now()) void renew();
  return current;
}

export function setSession(session: Session | undefined): void {
  current = session;
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
  schedule();
  for (const listener of listeners) listener();
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

export const api = createApiClient({
  token: () => getSession()?.token,
  // The token may have just expired: renew it; only a refused renewal signs the person out.
  onUnauthorized: () => void renew(),
});

function toSession(tokens: SessionTokens, me: Me): Session {
  const now = Date.now();
  return {
    token: tokens.accessToken,
    me,
    expiresAt: now + (tokens.expiresIn - 30) * 1000,
    refreshToken: tokens.refreshToken,
    refreshExpiresAt: now + tokens.refreshExpiresIn * 1000,
  };
}

export async function signIn(email: string, password: string): Promise<Session> {
  const tokens = await api.login(email, password);
  const me = await createApiClient({ token: () => tokens.accessToken }).me();
  const session = toSession(tokens, me);
  setSession(session);
  return session;
}

/** Ends the session on the server too, so its refresh token cannot be used again. */
export async function signOut(): Promise<void> {
  const refreshToken = current?.refreshToken;
  setSession(undefined);
  if (refreshToken) await post('/v1/auth/logout', { refreshToken }).catch(() => undefined);
}

/** Exchanges the refresh token for new tokens; one request at a time, whoever asks. */
export function renew(): Promise<Session | undefined> {
  renewal ??= (async () => {
    const session = current;
    if (!session?.refreshToken) {
      setSession(undefined);
      return undefined;
    }
    try {
      const res = await post('/v1/auth/refresh', { refreshToken: session.refreshToken });
      if (res.status === 401) {
        setSession(undefined);
        return undefined;
      }
      if (!res.ok) {
        schedule(); // the gateway is busy or down: keep the session, try again shortly
        return session;
      }
      const next = toSession((await res.json()) as SessionTokens, session.me);
      setSession(next);
      return next;
    } catch {
      schedule(); // offline: keep the session, try again shortly
      return session;
    } finally {
      renewal = undefined;
    }
  })();
  return renewal;
}

function post(path: string, body: unknown): Promise<Response> {
  return fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
}

function schedule(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  if (!current?.refreshToken) return;
  const delay = Math.max(current.expiresAt - RENEW_MARGIN_MS - Date.now(), 5_000);
  timer = setTimeout(() => void renew(), delay);
}

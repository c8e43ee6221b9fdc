// Who is signed in: the access token and the account, kept in sessionStorage (this tab only,
// gone when it closes). The token lives 15 minutes; a 401 signs the person out.
import { createApiClient } from './api/client.js';
import type { Me } from './api/types.js';

export interface Session {
  token: string;
  me: Me;
  expiresAt: number;
}

const KEY = 'ordo.session';
const listeners = new Set<() => void>();

function read(): Session | undefined {
  try {
    const session = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return session && session.expiresAt > Date.now() ? session : undefined;
  } catch {
    return undefined;
  }
}

let current = read();

export function getSession(): Session | undefined {
  if (current && current.expiresAt <= Date.now()) setSession(undefined);
  return current;
}

export function setSession(session: Session | undefined): void {
  current = session;
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
  for (const listener of listeners) listener();
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

export const api = createApiClient({
  token: () => getSession()?.token,
  onUnauthorized: () => setSession(undefined),
});

export async function signIn(email: string, password: string): Promise<Session> {
  const token = await api.login(email, password);
  const me = await createApiClient({ token: () => token.accessToken }).me();
  const session = { token: token.accessToken, me, expiresAt: Date.now() + (token.expiresIn - 30) * 1000 };
  setSession(session);
  return session;
}

// The benchmark's customers: registered through the public API, logged in, and logged in again
// before their access tokens expire (15 min by default), so runs of any length keep ordering.
import { randomBytes } from 'node:crypto';
import type { HttpClient } from './http-client.js';

export interface Customers {
  readonly count: number;
  /** The current access token of customer `i` (round-robin over the pool). */
  token(i: number): string;
  stop(): void;
}

interface TokenResponse {
  accessToken: string;
  expiresIn: number;
}

/** Logs `email` in through the API; throws with the answer when it is not 200. */
export async function logIn(http: HttpClient, email: string, password: string): Promise<TokenResponse> {
  const res = await http.post<TokenResponse>('/v1/auth/login', { email, password });
  if (res.status !== 200) throw new Error(`login as ${email} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Registers `count` customers with fresh emails and logs them in. */
export async function registerCustomers(http: HttpClient, count: number): Promise<Customers> {
  const run = randomBytes(4).toString('hex');
  const password = randomBytes(12).toString('base64url');
  const accounts = Array.from({ length: count }, (_, i) => ({
    email: `bench-${run}-${i + 1}@bench.ordo.dev`,
    password,
  }));
  const tokens: string[] = [];
  let expiresIn = 900;
  for (const account of accounts) {
    const res = await http.post('/v1/auth/register', { ...account, name: 'Bench customer' });
    if (res.status !== 201) {
      throw new Error(`registering ${account.email} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    const token = await logIn(http, account.email, account.password);
    tokens.push(token.accessToken);
    expiresIn = token.expiresIn;
  }
  // Log in again well before expiry; a failed refresh keeps the old token and is retried next time.
  const refreshMs = Math.max(10_000, expiresIn * 600);
  let refreshing = false;
  const timer = setInterval(async () => {
    if (refreshing) return;
    refreshing = true;
    try {
      for (const [i, account] of accounts.entries()) {
        tokens[i] = (await logIn(http, account.email, account.password)).accessToken;
      }
    } catch (error) {
      process.stderr.write(`bench: refreshing customer tokens failed (retried later): ${(error as Error).message}\n`);
    } finally {
      refreshing = false;
    }
  }, refreshMs);
  timer.unref();
  return {
    count,
    token: (i) => tokens[i % count] as string,
    stop: () => clearInterval(timer),
  };
}

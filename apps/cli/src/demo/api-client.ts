// One demo account's client of Ordo's public HTTP API, as a real app would be: it logs in with
// the account's email and password, renews the access token before it expires (and once more
// on a 401), and turns every non-2xx answer into an ApiError carrying Ordo's stable error code.
import { SYNTHETIC_USER_AGENT_PREFIX } from '@ordo/http';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** Ordo's stable code (`ORDO_ERR_…`) when the body had one. */
    readonly code: string | undefined,
    readonly request: string,
  ) {
    super(`${request} answered ${status}${code ? ` ${code}` : ''}`);
    this.name = 'ApiError';
  }
}

export interface ApiClientOptions {
  readonly baseUrl: string;
  readonly email: string;
  readonly password: string;
  /** Aborts every request in flight and every one after it. */
  readonly signal: AbortSignal;
  readonly fetch?: typeof fetch;
  /** A request that takes longer is abandoned (default 10 s). */
  readonly requestTimeoutMs?: number;
  readonly now?: () => number;
}

export interface ApiClient {
  readonly email: string;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
}

/** Sent with every request: the server logs synthetic traffic's request lines at debug. */
export const DEMO_USER_AGENT = `${SYNTHETIC_USER_AGENT_PREFIX}demo-simulator`;

/** Renew this long before the token expires, so a request never leaves with a stale one. */
const RENEW_MARGIN_MS = 60_000;

interface Session {
  readonly token: string;
  readonly renewAt: number;
}

function errorCode(text: string): string | undefined {
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } } | null)?.error?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined; // not Ordo's error body (a proxy's HTML page, say)
  }
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  let session: Promise<Session> | undefined;

  async function send(method: string, path: string, body: unknown, token?: string): Promise<unknown> {
    const headers: Record<string, string> = { 'user-agent': DEMO_USER_AGENT };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    // One controller per request, aborted by the simulator's stop or by the timeout; both
    // hooks are removed when the request ends, so a long demo leaves nothing behind.
    const request = new AbortController();
    const stop = () => request.abort(options.signal.reason);
    options.signal.addEventListener('abort', stop, { once: true });
    const timer = setTimeout(() => request.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    try {
      if (options.signal.aborted) stop();
      const res = await doFetch(`${options.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: request.signal,
      });
      const text = await res.text();
      if (!res.ok) throw new ApiError(res.status, errorCode(text), `${method} ${path}`);
      return text ? JSON.parse(text) : undefined;
    } finally {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', stop);
    }
  }

  async function logIn(): Promise<Session> {
    const answer = (await send('POST', '/v1/auth/login', { email: options.email, password: options.password })) as {
      accessToken: string;
      expiresIn: number;
    };
    return { token: answer.accessToken, renewAt: now() + answer.expiresIn * 1000 - RENEW_MARGIN_MS };
  }

  async function currentToken(): Promise<string> {
    const pending = session;
    if (pending) {
      const current = await pending.catch(() => undefined);
      if (current && now() < current.renewAt) return current.token;
      // Only the first caller to notice replaces the session; the others share its login.
      if (session === pending) session = undefined;
    }
    session ??= logIn();
    return (await session).token;
  }

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = await currentToken();
    try {
      return (await send(method, path, body, token)) as T;
    } catch (error) {
      // A token revoked or signed with a retired key: log in again, once.
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      session = undefined;
      return (await send(method, path, body, await currentToken())) as T;
    }
  }

  return {
    email: options.email,
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    put: (path, body) => call('PUT', path, body),
  };
}

// A small JSON client over undici's pool of kept-alive connections (plain or TLS): the load
// generator's requests should cost the driver as little CPU as possible, since it shares the
// machine with what it measures (node:http's agent cost about twice as much per request, fetch
// several times more, and neither pools a client certificate as cheaply).
import type { IncomingHttpHeaders } from 'node:http';
import type { ConnectionOptions } from 'node:tls';
import { Pool } from 'undici';

export interface JsonResponse<T> {
  status: number;
  body: T;
}

export interface HttpClient {
  /** `token` is the request's credential: a bearer token unless `credentialHeaders` says otherwise. */
  get<T>(path: string, token?: string): Promise<JsonResponse<T>>;
  post<T>(path: string, body: unknown, token?: string): Promise<JsonResponse<T>>;
  /** Plain text (for /metrics). */
  text(path: string): Promise<JsonResponse<string>>;
  /** A GET whose answer is not read, only its status (the read benchmark's load). */
  status(path: string, token?: string): Promise<number>;
  close(): void;
}

export interface HttpClientOptions {
  readonly maxSockets?: number;
  readonly timeoutMs?: number;
  /**
   * For an `https:` base URL: the client's side of the TLS handshake (its certificate and key, the
   * CA it trusts, the server identity it expects), e.g. `mtlsClientOptions` of `@ordo/tls`.
   */
  readonly tls?: ConnectionOptions;
  /**
   * How a request's credential travels. Default: `authorization: Bearer <token>`. A stand-in for
   * the gateway sends the caller it would forward instead (`x-ordo-caller`).
   */
  readonly credentialHeaders?: (credential: string) => IncomingHttpHeaders;
}

const bearer = (token: string): IncomingHttpHeaders => ({ authorization: `Bearer ${token}` });

export function httpClient(baseUrl: string, options: HttpClientOptions = {}): HttpClient {
  const base = new URL(baseUrl);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const pool = new Pool(base.origin, {
    connections: options.maxSockets ?? 512,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    ...(base.protocol === 'https:' && options.tls ? { connect: options.tls } : {}),
  });
  const credentialHeaders = options.credentialHeaders ?? bearer;

  const send = async (method: 'GET' | 'POST', path: string, body: string | undefined, token: string | undefined) => {
    const headers: IncomingHttpHeaders = token ? { ...credentialHeaders(token) } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    return pool.request({ origin: base.origin, path, method, headers, ...(body === undefined ? {} : { body }) });
  };

  const json = async <T>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    token?: string,
  ): Promise<JsonResponse<T>> => {
    const res = await send(method, path, body === undefined ? undefined : JSON.stringify(body), token);
    const text = await res.body.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = { raw: text.slice(0, 200) };
    }
    return { status: res.statusCode, body: parsed as T };
  };

  return {
    get: (path, token) => json('GET', path, undefined, token),
    post: (path, body, token) => json('POST', path, body, token),
    text: async (path) => {
      const res = await send('GET', path, undefined, undefined);
      return { status: res.statusCode, body: await res.body.text() };
    },
    status: async (path, token) => {
      const res = await send('GET', path, undefined, token);
      await res.body.dump();
      return res.statusCode;
    },
    close: () => void pool.destroy(),
  };
}

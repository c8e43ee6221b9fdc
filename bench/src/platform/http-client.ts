// A small JSON client over node:http (or node:https) with kept-alive connections: the load
// generator's requests should cost the driver as little CPU as possible (fetch costs several
// times more per request, and cannot present a client certificate).
import { Agent, type OutgoingHttpHeaders, request } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ConnectionOptions } from 'node:tls';

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
  readonly credentialHeaders?: (credential: string) => OutgoingHttpHeaders;
}

const bearer = (token: string): OutgoingHttpHeaders => ({ authorization: `Bearer ${token}` });

export function httpClient(baseUrl: string, options: HttpClientOptions = {}): HttpClient {
  const base = new URL(baseUrl);
  const secure = base.protocol === 'https:';
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 512 };
  const agent = secure ? new HttpsAgent({ ...agentOptions, ...options.tls }) : new Agent(agentOptions);
  const sendRequest = secure ? httpsRequest : request;
  const port = base.port || (secure ? 443 : 80);
  const credentialHeaders = options.credentialHeaders ?? bearer;
  const timeoutMs = options.timeoutMs ?? 30_000;

  const send = (method: string, path: string, body: string | undefined, token: string | undefined) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const headers: OutgoingHttpHeaders = token ? { ...credentialHeaders(token) } : {};
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(body);
      }
      const req = sendRequest(
        { host: base.hostname, port, path, method, headers, agent, timeout: timeoutMs },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });

  const json = async <T>(method: string, path: string, body: unknown, token?: string): Promise<JsonResponse<T>> => {
    const res = await send(method, path, body === undefined ? undefined : JSON.stringify(body), token);
    let parsed: unknown;
    try {
      parsed = res.text ? JSON.parse(res.text) : undefined;
    } catch {
      parsed = { raw: res.text.slice(0, 200) };
    }
    return { status: res.status, body: parsed as T };
  };

  return {
    get: (path, token) => json('GET', path, undefined, token),
    post: (path, body, token) => json('POST', path, body, token),
    text: async (path) => {
      const res = await send('GET', path, undefined, undefined);
      return { status: res.status, body: res.text };
    },
    close: () => agent.destroy(),
  };
}

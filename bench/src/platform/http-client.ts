// A small JSON client over node:http with kept-alive connections: the load generator's requests
// should cost the driver as little CPU as possible (fetch costs several times more per request).
import { Agent, request } from 'node:http';

export interface JsonResponse<T> {
  status: number;
  body: T;
}

export interface HttpClient {
  get<T>(path: string, token?: string): Promise<JsonResponse<T>>;
  post<T>(path: string, body: unknown, token?: string): Promise<JsonResponse<T>>;
  /** Plain text (for /metrics). */
  text(path: string): Promise<JsonResponse<string>>;
  close(): void;
}

export function httpClient(baseUrl: string, options: { maxSockets?: number; timeoutMs?: number } = {}): HttpClient {
  const base = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 512 });
  const timeoutMs = options.timeoutMs ?? 30_000;

  const send = (method: string, path: string, body: string | undefined, token: string | undefined) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const headers: Record<string, string | number> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(body);
      }
      const req = request(
        { host: base.hostname, port: base.port || 80, path, method, headers, agent, timeout: timeoutMs },
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

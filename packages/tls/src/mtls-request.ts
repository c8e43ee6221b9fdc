// One HTTP request over mutual TLS with Node's `https` (global fetch cannot present a client
// certificate): operators' tools use it for readiness, status and metrics of the services.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { mtlsClientOptions, type TlsMaterial } from './tls-material.js';

export interface MtlsRequestOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The whole exchange's budget (default 5 s). */
  readonly timeoutMs?: number;
  /** The client's certificate; without it an `https:` URL fails (and an `http:` URL is plain). */
  readonly tls?: TlsMaterial;
}

export interface MtlsResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** Rejects on any connection or TLS failure (a refused handshake included), or after the timeout. */
export function mtlsRequest(url: string | URL, options: MtlsRequestOptions = {}): Promise<MtlsResponse> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const send = secure ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: false,
        timeout: options.timeoutMs ?? 5_000,
        ...(secure && options.tls ? mtlsClientOptions(options.tls) : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${target.origin}: no answer within the timeout`)));
    req.on('error', reject);
    req.end();
  });
}

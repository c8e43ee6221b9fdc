// An SSE client for the benchmark: follows one order's track stream, counts the events it gets
// and reports each `position` event's ping time (`at`) with the moment it arrived (the driver's
// clock, the same one that stamped the courier's request).
import { Agent, request } from 'node:http';

export interface Subscriber {
  /** Events received so far (every kind: position, eta, status). */
  readonly events: number;
  close(): void;
}

/** How long a stream may take to start (its response headers). */
const OPEN_TIMEOUT_MS = 15_000;

/** One agent for all subscribers: a thousand long-lived connections, no pool limit. */
export const sseAgent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });

export function subscribe(
  baseUrl: string,
  path: string,
  token: string,
  onPosition: (atMs: number, arrivedMs: number) => void,
  onError: (error: Error) => void,
): Promise<Subscriber> {
  const base = new URL(baseUrl);
  let events = 0;
  return new Promise((resolve, reject) => {
    // Until the stream starts; once it has, it stays open however quiet it is.
    const timer = setTimeout(
      () => req.destroy(new Error(`GET ${path}: no answer within ${OPEN_TIMEOUT_MS} ms`)),
      OPEN_TIMEOUT_MS,
    );
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        path,
        agent: sseAgent,
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      },
      (res) => {
        clearTimeout(timer);
        if (res.statusCode !== 200) {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => reject(new Error(`GET ${path} answered ${res.statusCode}: ${body.slice(0, 300)}`)));
          return;
        }
        resolve({
          get events() {
            return events;
          },
          close: () => req.destroy(),
        });
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          const arrivedMs = Date.now();
          buffer += chunk;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
            const type = /^event: (.*)$/m.exec(frame)?.[1];
            if (type === undefined) continue; // a heartbeat comment
            events++;
            if (type !== 'position') continue;
            const data = frame.split('\n').find((line) => line.startsWith('data: '));
            if (!data) continue;
            onPosition(Date.parse((JSON.parse(data.slice(6)) as { at: string }).at), arrivedMs);
          }
        });
        res.on('error', onError);
      },
    );
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
      onError(error);
    });
    req.end();
  });
}

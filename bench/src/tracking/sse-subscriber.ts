// An SSE client for the benchmark: follows one order's track stream and reports each `position`
// event's age on arrival (now − the ping's own time; the driver and Ordo share this machine's clock).
import { Agent, request } from 'node:http';

export interface Subscriber {
  close(): void;
}

/** One agent for all subscribers: a thousand long-lived connections, no pool limit. */
export const sseAgent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });

export function subscribe(
  baseUrl: string,
  path: string,
  token: string,
  onPosition: (ageMs: number, atMs: number) => void,
  onError: (error: Error) => void,
): Promise<Subscriber> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        path,
        agent: sseAgent,
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`GET ${path} answered ${res.statusCode}`));
          res.resume();
          return;
        }
        resolve({ close: () => req.destroy() });
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
            if (!frame.includes('event: position')) continue;
            const data = frame.split('\n').find((line) => line.startsWith('data: '));
            if (!data) continue;
            const at = Date.parse((JSON.parse(data.slice(6)) as { at: string }).at);
            onPosition(Date.now() - at, at);
          }
        });
        res.on('error', onError);
      },
    );
    req.on('error', (error) => {
      reject(error);
      onError(error);
    });
    req.end();
  });
}

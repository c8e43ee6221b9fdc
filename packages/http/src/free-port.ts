// A port for a server this process is about to start (a child process, a test server).
// `listen(0)` gets a port from the kernel's ephemeral range, which every outgoing connection on
// the machine draws from too: between choosing the port and the server listening on it, any
// process's connection to a database or broker can take it, and the server fails with
// EADDRINUSE. Below that range only listeners take ports, so one is chosen there, at random, and
// checked free.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';

/** The lowest port tried: above the ports well-known services usually listen on. */
const LOWEST = 20_000;
const ATTEMPTS = 50;

/** The first port of the kernel's ephemeral range (Linux), or the usual default elsewhere. */
export async function ephemeralRangeStart(): Promise<number> {
  try {
    const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
    const start = Number(range.trim().split(/\s+/)[0]);
    return Number.isInteger(start) && start > 0 ? start : 32_768;
  } catch {
    return 32_768;
  }
}

function listenOn(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, host, () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A port free on `host` now, below the ephemeral range when the range leaves room for it; else
 * (or after many taken ports) whatever `listen(0)` gives.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const end = await ephemeralRangeStart();
  for (let attempt = 0; end > LOWEST && attempt < ATTEMPTS; attempt++) {
    const port = await listenOn(LOWEST + Math.floor(Math.random() * (end - LOWEST)), host);
    if (port !== undefined) return port;
  }
  const port = await listenOn(0, host);
  if (port === undefined) throw new Error(`no port could be listened on at ${host}`);
  return port;
}

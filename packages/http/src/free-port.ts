// A port for a server this process is about to start (a child process, a test server).
// `listen(0)` gets a port from the kernel's ephemeral range, which every outgoing connection on
// the machine draws from too: between choosing the port and the server listening on it, any
// process's connection to a database or broker can take it, and the server fails with
// EADDRINUSE. Below that range only listeners take ports, so one is chosen there, at random, and
// checked free.
//
// A port chosen free can still be taken by another process before the server binds it; the server
// then fails to start, and whoever else listens there answers any readiness probe. `listensOn`
// tells whether the listener on a port is the process that was started.
import { readdir, readFile, readlink } from 'node:fs/promises';
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

/** The inodes of the sockets listening on TCP `port` (any address), or undefined where /proc cannot tell. */
async function listeningInodes(port: number): Promise<Set<string> | undefined> {
  const inodes = new Set<string>();
  let readable = false;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await readFile(table, 'utf8');
      readable = true;
    } catch {
      continue;
    }
    // Columns: sl, local address (hex ADDR:PORT), remote address, state (0A: LISTEN), ..., inode (10th).
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== '0A') continue;
      if (Number.parseInt(fields[1]?.split(':')[1] ?? '', 16) === port) inodes.add(fields[9] as string);
    }
  }
  return readable ? inodes : undefined;
}

/**
 * Whether process `pid` holds a socket listening on TCP `port` (Linux, from /proc). Where /proc
 * cannot tell (another OS), true: the caller's own readiness probe is then all there is.
 */
export async function listensOn(pid: number, port: number): Promise<boolean> {
  const inodes = await listeningInodes(port);
  if (inodes === undefined) return true;
  if (inodes.size === 0) return false;
  let fds: string[];
  try {
    fds = await readdir(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode !== undefined && inodes.has(inode)) return true;
  }
  return false;
}

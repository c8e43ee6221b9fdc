// A server process of the test's own (NATS, Redis): a free loopback port, its files in a temp dir,
// and a lifecycle tests of outages need — pause it, start it again on the same port and files,
// stop it for good.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort, listensOn } from '@ordo/http/free-port';

export interface TestServer {
  readonly url: string;
  /** Stops the server (SIGTERM); `start` brings it back on the same port and files. */
  pause(): Promise<void>;
  /** Starts it again on the same port and files. */
  start(): Promise<void>;
  /** Stops it for good and deletes its files. */
  stop(): Promise<void>;
}

export interface LocalServerSpec {
  /** The executable, e.g. `redis-server`. */
  readonly command: string;
  /** Its arguments for a port and a directory of its own. */
  readonly args: (port: number, dir: string) => string[];
  /** The URL clients use, e.g. `redis://127.0.0.1:<port>`. */
  readonly url: (port: number) => string;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startLocalServer(spec: LocalServerSpec): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), `ordo-${spec.command}-`));
  const port = await freePort();
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const process = spawn(spec.command, spec.args(port, dir), { stdio: 'ignore' });
    child = process;
    const deadline = Date.now() + 15_000;
    // Accepting is not enough: another process may have taken the port after it was chosen.
    while (!(await accepts(port)) || !(await listensOn(process.pid as number, port))) {
      if (process.exitCode !== null || Date.now() > deadline)
        throw new Error(`${spec.command} on ${port} did not start`);
      await delay(25);
    }
  }

  async function pause(): Promise<void> {
    const process = child;
    child = undefined;
    if (!process || process.exitCode !== null || process.signalCode !== null) return;
    const exited = once(process, 'exit');
    process.kill('SIGTERM');
    await exited;
  }

  await start();
  return {
    url: spec.url(port),
    pause,
    start,
    async stop() {
      await pause();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

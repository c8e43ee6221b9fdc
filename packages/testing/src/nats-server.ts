// A NATS JetStream server of the test's own, on a free port with its store in a temp dir, so a
// test shares streams and consumer groups with nobody else. It can be stopped and started again
// on the same port and store, for tests of what happens while the broker is away.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface TestNatsServer {
  readonly url: string;
  /** Stops the server (SIGTERM: JetStream flushes its store); `start` brings it back as it was. */
  pause(): Promise<void>;
  /** Starts it again on the same port and store. */
  start(): Promise<void>;
  /** Stops it for good and deletes its store. */
  stop(): Promise<void>;
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startNatsServer(): Promise<TestNatsServer> {
  const storeDir = await mkdtemp(join(tmpdir(), 'ordo-nats-'));
  const port = await freePort();
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const process = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], {
      stdio: 'ignore',
    });
    child = process;
    const deadline = Date.now() + 15_000;
    while (!(await accepts(port))) {
      if (process.exitCode !== null || Date.now() > deadline) throw new Error(`nats-server on ${port} did not start`);
      await delay(50);
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
    url: `nats://127.0.0.1:${port}`,
    pause,
    start,
    async stop() {
      await pause();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}

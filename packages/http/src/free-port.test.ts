import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ephemeralRangeStart, freePort, listensOn } from './free-port.js';

async function listen(host: string): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  return { server, port: (server.address() as { port: number }).port };
}

describe('freePort', () => {
  it('when a port is asked for, then it is below the ephemeral range (where outgoing connections take theirs) and can be listened on', async () => {
    const start = await ephemeralRangeStart();
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(start);
    }
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(ports[0], '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('listensOn', () => {
  it('when a process listens on a port, then it is named the listener, and another process or a closed port is not', async () => {
    const { server, port } = await listen('127.0.0.1');
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)'], { stdio: 'ignore' });
    try {
      expect(await listensOn(process.pid, port)).toBe(true);
      expect(await listensOn(other.pid as number, port)).toBe(false);
    } finally {
      other.kill();
      await once(other, 'exit');
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await listensOn(process.pid, port)).toBe(false);
  });

  it('when the listener is on every IPv6 and IPv4 address, then it is found too', async () => {
    const { server, port } = await listen('::');
    try {
      expect(await listensOn(process.pid, port)).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

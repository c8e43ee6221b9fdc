import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { waitReady } from './process-wait.js';

// A child that listens on `port`; when it cannot, it stays up for `stayMs`, then exits with 3.
function child(port: number, stayMs: number) {
  const script = `
    const server = require('node:http').createServer((req, res) => res.end('child'));
    server.on('error', () => { setTimeout(() => process.exit(3), ${stayMs}); });
    server.listen(${port}, '127.0.0.1');
    setTimeout(() => {}, 60_000);`;
  return spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
}

describe('waitReady', () => {
  it("when another process already answers /readyz on the child's port, then the child is not taken for ready, and its failure to start is reported", async () => {
    const other = createServer((_req, res) => res.end('someone else'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address() as { port: number };
    const late = child(port, 1_500);
    try {
      await expect(waitReady(`http://127.0.0.1:${port}/readyz`, late, async () => 'EADDRINUSE')).rejects.toThrow(
        /exited \(3\)/,
      );
    } finally {
      late.kill();
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('when the child itself listens, then it is ready', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const own = child(port, 0);
    try {
      await waitReady(`http://127.0.0.1:${port}/readyz`, own, async () => '');
      expect(own.exitCode).toBe(null);
    } finally {
      own.kill();
      await once(own, 'exit');
    }
  });
});

// A cluster's processes listen on ports chosen free before they start. Another process can take
// one in between; the child then fails with EADDRINUSE, and the cluster starts again on new ports
// (the other processes were told the taken port's URL, so all of them start again).
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Cluster, dropDatabases, startCluster } from '@ordo/cli/cluster';
import { freePort } from '@ordo/http/free-port';
import { adminPgUrl, startNatsServer, type TestNatsServer } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('starting a cluster on ports chosen free', () => {
  let taken: Server;
  const held = new Set<Socket>();
  let takenPort: number;
  let nats: TestNatsServer;
  let root: string;
  const name = `e2e_${randomBytes(4).toString('hex')}`;
  let cluster: Cluster | undefined;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ordo-e2e-cluster-start-'));
    nats = await startNatsServer();
    takenPort = await freePort();
    // It accepts and never answers (a readiness probe may connect before the child gives up).
    taken = createServer((socket) => {
      held.add(socket);
      socket.on('close', () => held.delete(socket));
    });
    await new Promise<void>((resolve) => taken.listen(takenPort, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    try {
      await cluster?.stop();
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => taken.close(resolve));
      await nats.stop();
      await dropDatabases(adminPgUrl(), name);
      await rm(root, { recursive: true, force: true });
    }
  });

  it('when a chosen port is taken before its process listens, then the cluster starts again on other ports and every process is ready', async () => {
    let calls = 0;
    // The first port handed out is one another process holds, as if it had taken it meanwhile.
    const choosePort = async () => (++calls === 1 ? takenPort : freePort());
    cluster = await startCluster({
      name,
      gatewayPort: 0,
      basePort: 0,
      stateDir: root,
      postgresUrl: adminPgUrl(),
      natsUrl: nats.url,
      demo: false,
      logLevel: 'warn',
      choosePort,
    });

    const ports = [...cluster.processes.values()].map((p) => p.port);
    expect(ports).not.toContain(takenPort);
    expect(calls).toBeGreaterThan(ports.length);
    const res = await fetch(`${cluster.url}/readyz`);
    expect(res.status).toBe(200);
    const [first] = cluster.processes.values();
    expect(await readFile(first?.logFile as string, 'utf8')).toContain('EADDRINUSE');
  }, 240_000);
});

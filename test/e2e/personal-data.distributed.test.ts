// No personal data in logs, operator views or error bodies, distributed shape: canary values go
// through every flow while each `ordo serve` process logs at debug into its own file
// (`<stateDir>/logs/<service>.log`); after the cluster stops, every file is searched.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Cluster, dropDatabases, startCluster } from '@ordo/cli/cluster';
import { LOAD_TEST_RATE_LIMITS } from '@ordo/cli/host';
import { adminPgUrl, startNatsServer, type TestNatsServer } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canaries, findCanaries, runCanaryFlows } from './support/canary-flows.js';

describe('personal data, distributed shape', () => {
  const name = `pii_${randomBytes(4).toString('hex')}`;
  let root: string;
  let nats: TestNatsServer;
  let cluster: Cluster | undefined;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ordo-e2e-pii-cluster-'));
    nats = await startNatsServer();
    cluster = await startCluster({
      name,
      gatewayPort: 0,
      basePort: 0,
      stateDir: root,
      postgresUrl: adminPgUrl(),
      natsUrl: nats.url,
      tuning: { sagaTimerIntervalMs: 200 },
      rateLimits: LOAD_TEST_RATE_LIMITS,
      logLevel: 'debug',
    });
  }, 180_000);
  afterAll(async () => {
    try {
      await cluster?.stop();
    } finally {
      await nats?.stop();
      await dropDatabases(adminPgUrl(), name);
      await rm(root, { recursive: true, force: true });
    }
  });

  it('when canary personal data goes through every flow, then no process log, operator view or error body contains it', async () => {
    const c = canaries();
    const { bodies } = await runCanaryFlows({ url: cluster!.url, accounts: cluster!.demo?.accounts ?? [] }, c);
    // Stopped first, so every process has flushed its log.
    await cluster!.stop();

    const logDir = join(root, 'logs');
    const files = await readdir(logDir);
    expect(files).toEqual(expect.arrayContaining(['gateway.log', 'order.log', 'payment.log', 'delivery.log']));
    const logs = await Promise.all(files.map(async (file) => [file, await readFile(join(logDir, file), 'utf8')]));
    const all = logs.map(([, text]) => text).join('\n');
    // The capture is the real one: requests, rejections and operator reads are in it.
    expect(all).toContain('request rejected');
    expect(all).toContain('/v1/ops/sagas');
    for (const [file, text] of logs) expect(findCanaries(text!, c), file).toEqual([]);
    expect(findCanaries(bodies.join('\n'), c)).toEqual([]);
  }, 240_000);
});

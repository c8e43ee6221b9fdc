// No personal data in logs, operator views or error bodies, distributed shape: canary values go
// through every flow while each `ordo serve` process logs at debug into its own file
// (`<stateDir>/logs/<service>.log`); after the cluster stops, every file is searched. At rest (ADR
// 0023): no table of any service's database and no Redis key holds the street, name or phone in
// clear, and each process was handed only its own purposes' keys, never the master key.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Cluster,
  DEFAULT_SERVERS,
  dropDatabases,
  ensureClusterCertificates,
  mtlsRequest,
  readTlsMaterial,
  startCluster,
} from '@ordo/cli/cluster';
import { LOAD_TEST_RATE_LIMITS } from '@ordo/cli/host';
import { LOOKUP_PURPOSES, purposesOf } from '@ordo/crypto';
import { createPgDb } from '@ordo/db';
import { adminPgUrl, startNatsServer, type TestNatsServer } from '@ordo/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canaries,
  findCanaries,
  findCanariesInDatabase,
  findCanariesInRedis,
  runCanaryFlows,
} from './support/canary-flows.js';

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

  it("when a service behind the gateway is called directly, then plain HTTP, another CA's certificate and no certificate are refused by every one, and the operators' certificate gets /readyz but may not name a caller", async () => {
    const services = [...cluster!.processes.values()].filter((p) => p.url.startsWith('https:'));
    expect(services.map((p) => p.service).sort()).toEqual(
      ['audit', 'delivery', 'order', 'payment', 'query', 'restaurant'].sort(),
    );
    const tools = await readTlsMaterial(cluster!.operatorTls);
    // Another deployment's CA, same names; the client trusts our servers, so only their refusal counts.
    const foreign = await ensureClusterCertificates(join(root, 'foreign-tls'));
    const stranger = { ...(await readTlsMaterial(foreign.operatorTools)), ca: tools.ca };
    const withoutCertificate = (url: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpsRequest(url, { ca: tools.ca, agent: false, timeout: 5_000 }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', reject);
        req.end();
      });
    for (const { service, url } of services) {
      const readyz = `${url}/readyz`;
      await expect(mtlsRequest(readyz.replace('https:', 'http:')), `${service}: plain HTTP`).rejects.toThrow();
      await expect(mtlsRequest(readyz, { tls: stranger }), `${service}: another CA`).rejects.toThrow();
      await expect(withoutCertificate(readyz), `${service}: no certificate`).rejects.toThrow();
      expect((await mtlsRequest(readyz, { tls: tools })).status, `${service}: operators' tools`).toBe(200);
    }
    // Only the gateway names the caller: the same header from the operators' certificate is refused.
    const order = cluster!.processes.get('order')!;
    const claimed = await mtlsRequest(`${order.url}/v1/ops/sagas`, {
      tls: tools,
      headers: { 'x-ordo-caller': 'user=someone; role=operator' },
    });
    expect(claimed.status).toBe(403);
    expect(JSON.parse(claimed.body).error.code).toBe('ORDO_ERR_AUTH_CALLER_UNTRUSTED');
  }, 60_000);

  it('when canary personal data goes through every flow, then no process log, operator view, error body, table or view contains it', async () => {
    const c = canaries();
    const { bodies } = await runCanaryFlows({ url: cluster!.url, accounts: cluster!.demo?.accounts ?? [] }, c);
    // Entitlement: each process got its own purposes' keys in its environment, and no master key.
    for (const [service, process] of cluster!.processes) {
      const environ = (await readFile(`/proc/${process.pid}/environ`, 'utf8')).split('\0');
      expect(
        environ.some((v) => v.startsWith('ORDO_MASTER_KEY')),
        service,
      ).toBe(false);
      const names = (environ.find((v) => v.startsWith('ORDO_FIELD_KEYS='))?.slice(16) ?? '')
        .split(',')
        .filter(Boolean)
        .map((entry) => entry.split(':')[0]!);
      const purposes = names.filter((n) => !n.startsWith('lookup/'));
      expect([...new Set(purposes)].sort(), service).toEqual([...purposesOf(service)].sort());
      // Lookup keys (the email's keyed index) only for the purposes that have one.
      const lookups = names.filter((n) => n.startsWith('lookup/')).map((n) => n.slice('lookup/'.length));
      expect([...new Set(lookups)].sort(), service).toEqual(
        purposesOf(service).filter((p) => LOOKUP_PURPOSES.includes(p)),
      );
    }
    // Stopped first, so every process has flushed its log.
    await cluster!.stop();

    // At rest: every table of every service's database, and every Redis key of this cluster.
    let sealedSeen = '';
    for (const [service, url] of Object.entries(cluster!.databaseUrls)) {
      const db = createPgDb({ connectionString: url, max: 1, applicationName: 'pii-scan' });
      try {
        const stored = await findCanariesInDatabase(db, c);
        expect(stored.hits, service).toEqual([]);
        sealedSeen += stored.text;
      } finally {
        await db.close();
      }
    }
    // The scan is the real one: the accounts (emails and names sealed) and sealed addresses are in it.
    expect(sealedSeen).toMatch(/ordo1\.account\./);
    expect(sealedSeen).toMatch(/ordo1\.address\./);
    const redis = new Redis(DEFAULT_SERVERS.redisUrl);
    try {
      const views = await findCanariesInRedis(redis, `ordo:${name}:`, c);
      expect(views.keys).toBeGreaterThan(0);
      expect(views.hits).toEqual([]);
    } finally {
      redis.disconnect();
    }

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
    expect(all).not.toContain('ORDO_ERR_CRYPTO_OPEN_FAILED');
  }, 240_000);
});

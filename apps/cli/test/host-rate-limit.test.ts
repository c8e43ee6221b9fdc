// Component test: the one-process host (build-host.ts) mounts every service's routes after the
// gateway's, and the gateway's rate limits reach them. On PostgreSQL (the single-node shape: the
// same composition as the embedded one, without PGlite's ~10 s initdb).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostConfig, parseConfig } from '@ordo/config';
import { silentLogger } from '@ordo/logger';
import { createTestPgDatabase, type TestPgDatabase } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHost, type Host } from '../src/host/build-host.js';
import { serveConfigSchema } from '../src/serve/serve-config.js';

// A window no test outlives: counts never reset half-way.
const LONG = 3600;

describe('host rate limits', () => {
  let root: string;
  let database: TestPgDatabase;
  let host: Host;
  let customer: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ordo-host-limits-'));
    database = await createTestPgDatabase('ordo_host_limits');
    host = await buildHost({
      config: hostConfig({ dataDir: root, databaseUrl: database.connectionString, logLevel: 'silent', demo: false }),
      logger: silentLogger,
      rateLimits: { read: { max: 2, windowSeconds: LONG }, money: { max: 1, windowSeconds: LONG } },
    });
    const account = host.demo!.accounts.find((a) => a.role === 'customer')!;
    const login = await host.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: account.email, password: account.password },
    });
    customer = login.json().accessToken;
  }, 120_000);

  afterAll(async () => {
    await host?.close();
    await database?.drop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("when the restaurant service's reads and the order service's writes go past their limits, then they are refused with 429", async () => {
    const read = () => host.app.inject({ method: 'GET', url: '/v1/restaurants', remoteAddress: '10.1.0.1' });
    const reads = [await read(), await read(), await read()];
    expect(reads.map((r) => r.statusCode)).toEqual([200, 200, 429]);
    expect(reads[2]?.json().error.code).toBe('ORDO_ERR_GATEWAY_RATE_LIMITED');

    // The body is not even valid: the limit counts the attempt before the order service reads it.
    const place = () =>
      host.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: { authorization: `Bearer ${customer}` },
        payload: {},
      });
    const places = [await place(), await place()];
    expect(places.map((r) => r.statusCode)).toEqual([400, 429]);
    expect(places[1]?.headers['retry-after']).toBeDefined();
  });

  it('when ORDO_RATE_LIMITS is not valid, then the host and `ordo serve gateway` refuse to start, naming it', async () => {
    const config = hostConfig({ dataDir: root, logLevel: 'silent', demo: false, rateLimits: '{"reads":{"max":5}}' });
    await expect(buildHost({ config, logger: silentLogger })).rejects.toMatchObject({
      code: 'ORDO_ERR_CONFIG_INVALID',
      details: { issues: [{ variable: 'ORDO_RATE_LIMITS', message: expect.stringContaining('reads') }] },
    });
    expect(() =>
      parseConfig(serveConfigSchema('gateway'), {
        DATABASE_URL: 'postgres://localhost/x',
        ORDO_UPSTREAMS: ['restaurant', 'delivery', 'payment', 'order', 'query'].map((s) => `${s}=http://x:1`).join(','),
        ORDO_RATE_LIMITS: 'sometimes',
      }),
    ).toThrow(/ORDO_RATE_LIMITS/);
  });
});

// No personal data in logs, operator views or error bodies, embedded shape: canary values go
// through every flow while the host logs at debug into a buffer this test reads. At rest (ADR
// 0023): no table of the database holds the street, the name or the phone in clear.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { LOAD_TEST_RATE_LIMITS, type RunningHost, startHost } from '@ordo/cli/host';
import { hostConfig } from '@ordo/config';
import { createLogger } from '@ordo/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canaries, findCanaries, findCanariesInDatabase, runCanaryFlows } from './support/canary-flows.js';

describe('personal data, embedded shape', () => {
  const lines: string[] = [];
  let host: RunningHost;
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ordo-e2e-pii-'));
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    host = await startHost({
      config: hostConfig({ port: 0, host: '127.0.0.1', dataDir: join(root, 'data'), logLevel: 'debug', demo: false }),
      logger: createLogger({ level: 'debug', destination: destination as never, format: 'json' }),
      tuning: { sagaTimerIntervalMs: 200 },
      rateLimits: LOAD_TEST_RATE_LIMITS,
    });
  }, 120_000);
  afterAll(async () => {
    await host?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('when canary personal data goes through every flow, then no log line, operator view, error body or table contains it', async () => {
    const c = canaries();
    const { bodies } = await runCanaryFlows({ url: host.url, accounts: host.demo!.accounts }, c);
    const stored = await findCanariesInDatabase(host.db, c);
    await host.close();

    // The scan is the real one: it reads the accounts (emails and names there sealed) and the
    // orders, whose address is there sealed.
    expect(stored.text).toMatch(/ordo1\.account\./);
    expect(stored.text).toMatch(/ordo1\.address\./);
    expect(stored.text).toMatch(/ordo1\.contact\./);
    expect(stored.hits).toEqual([]);
    expect(host.fieldKeys.openFailures).toBe(0);

    const log = lines.join('');
    // The capture is the real one: requests, rejections and operator reads are in it.
    expect(log).toContain('request rejected');
    expect(log).toContain('/v1/ops/sagas');
    expect(findCanaries(log, c)).toEqual([]);
    expect(findCanaries(bodies.join('\n'), c)).toEqual([]);
  }, 240_000);
});

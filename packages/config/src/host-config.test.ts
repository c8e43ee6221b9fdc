import { AppError } from '@ordo/errors';
import { describe, expect, it } from 'vitest';
import { hostConfig, hostConfigSchema } from './host-config.js';
import { parseConfig } from './parse-config.js';

function issuesOf(env: Record<string, string>): string[] {
  let caught: unknown;
  try {
    parseConfig(hostConfigSchema, env);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AppError);
  return (((caught as AppError).details?.issues as Array<{ variable: string }> | undefined) ?? [])
    .map((i) => i.variable)
    .sort();
}

describe('hostConfigSchema', () => {
  it('when nothing is set, then the embedded defaults apply: PGlite, demo data and demo traffic, on loopback only', () => {
    expect(parseConfig(hostConfigSchema, {})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      dataDir: './.ordo/data',
      databaseUrl: undefined,
      databasePoolSize: 16,
      logLevel: 'info',
      seed: true,
      demo: true,
      corsOrigins: [],
      metricsToken: undefined,
      trustProxy: undefined,
    });
  });

  it('when every variable is set, then each is read', () => {
    expect(
      parseConfig(hostConfigSchema, {
        PORT: '3999',
        HOST: '127.0.0.1',
        ORDO_DATA_DIR: '/tmp/ordo',
        DATABASE_URL: 'postgres://ordo@db.internal:5432/ordo',
        DATABASE_POOL_SIZE: '24',
        ORDO_LOG_LEVEL: 'debug',
        ORDO_SEED: 'on',
        ORDO_DEMO: 'off',
        ORDO_CORS_ORIGINS: 'https://app.example.com, https://ops.example.com',
        ORDO_METRICS_TOKEN: 'm'.repeat(32),
        ORDO_TRUST_PROXY: '10.0.0.0/8, 192.168.1.10',
        ORDO_PSP_URL: 'https://psp.example.com',
        UNRELATED: 'ignored',
      }),
    ).toEqual({
      port: 3999,
      host: '127.0.0.1',
      dataDir: '/tmp/ordo',
      databaseUrl: 'postgres://ordo@db.internal:5432/ordo',
      databasePoolSize: 24,
      logLevel: 'debug',
      seed: true,
      demo: false,
      corsOrigins: ['https://app.example.com', 'https://ops.example.com'],
      metricsToken: 'm'.repeat(32),
      trustProxy: ['10.0.0.0/8', '192.168.1.10'],
      pspUrl: 'https://psp.example.com',
    });
  });

  it('when ORDO_SEED is off and ORDO_DEMO unset, then neither data nor traffic', () => {
    expect(parseConfig(hostConfigSchema, { ORDO_SEED: 'off' })).toMatchObject({ seed: false, demo: false });
  });

  it('when ORDO_DEMO is off alone, then the demo data is still seeded without traffic', () => {
    expect(parseConfig(hostConfigSchema, { ORDO_DEMO: 'off' })).toMatchObject({ seed: true, demo: false });
  });

  it('when ORDO_DEMO is on but ORDO_SEED off, then ORDO_DEMO is reported: traffic needs the data', () => {
    expect(issuesOf({ ORDO_SEED: 'off', ORDO_DEMO: 'on' })).toEqual(['ORDO_DEMO']);
  });

  it('when PORT, ORDO_LOG_LEVEL, ORDO_DEMO, DATABASE_URL and ORDO_PSP_URL are bad, then all five are reported', () => {
    expect(
      issuesOf({
        PORT: 'http',
        ORDO_LOG_LEVEL: 'loud',
        ORDO_DEMO: 'true',
        DATABASE_URL: 'mysql://x',
        ORDO_PSP_URL: 'ftp://psp.example.com',
      }),
    ).toEqual(['DATABASE_URL', 'ORDO_DEMO', 'ORDO_LOG_LEVEL', 'ORDO_PSP_URL', 'PORT']);
  });

  it('when ORDO_RATE_LIMITS is set, then it is kept as written for the host to check against the gateway', () => {
    expect(parseConfig(hostConfigSchema, { ORDO_RATE_LIMITS: '{"factor":2}' })).toMatchObject({
      rateLimits: '{"factor":2}',
    });
    expect(parseConfig(hostConfigSchema, {}).rateLimits).toBeUndefined();
  });

  it("when ORDO_MAX_IN_FLIGHT is a whole number or 'off', then it is read; anything else is reported", () => {
    expect(parseConfig(hostConfigSchema, { ORDO_MAX_IN_FLIGHT: '64' }).maxInFlight).toBe(64);
    expect(parseConfig(hostConfigSchema, { ORDO_MAX_IN_FLIGHT: 'off' }).maxInFlight).toBe('off');
    expect(parseConfig(hostConfigSchema, {}).maxInFlight).toBeUndefined();
    for (const bad of ['0', '-5', '1.5', 'lots', '99999999']) {
      expect(issuesOf({ ORDO_MAX_IN_FLIGHT: bad }), bad).toEqual(['ORDO_MAX_IN_FLIGHT']);
    }
  });

  it('when hostConfig is given some settings, then the rest are the defaults', () => {
    expect(hostConfig({ port: 0, seed: false })).toMatchObject({
      port: 0,
      seed: false,
      demo: true,
      dataDir: './.ordo/data',
    });
  });
});

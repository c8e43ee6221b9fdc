import { AppError } from '@ordo/errors';
import { describe, expect, it } from 'vitest';
import { hostConfigSchema } from './host-config.js';
import { parseConfig } from './parse-config.js';

describe('hostConfigSchema', () => {
  it('when nothing is set, then the embedded defaults apply', () => {
    expect(parseConfig(hostConfigSchema, {})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      dataDir: './.ordo/data',
      logLevel: 'info',
      demo: true,
    });
  });

  it('when every variable is set, then each is read', () => {
    expect(
      parseConfig(hostConfigSchema, {
        PORT: '3999',
        HOST: '127.0.0.1',
        ORDO_DATA_DIR: '/tmp/ordo',
        ORDO_LOG_LEVEL: 'debug',
        ORDO_DEMO: 'off',
        UNRELATED: 'ignored',
      }),
    ).toEqual({ port: 3999, host: '127.0.0.1', dataDir: '/tmp/ordo', logLevel: 'debug', demo: false });
  });

  it('when PORT, ORDO_LOG_LEVEL and ORDO_DEMO are bad, then all three are reported', () => {
    let caught: unknown;
    try {
      parseConfig(hostConfigSchema, { PORT: 'http', ORDO_LOG_LEVEL: 'loud', ORDO_DEMO: 'true' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    const issues = (caught as AppError).details?.issues as Array<{ variable: string }>;
    expect(issues.map((i) => i.variable).sort()).toEqual(['ORDO_DEMO', 'ORDO_LOG_LEVEL', 'PORT']);
  });
});

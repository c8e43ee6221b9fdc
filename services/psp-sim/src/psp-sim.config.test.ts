import { parseConfig } from '@ordo/config';
import { describe, expect, it } from 'vitest';
import { pspSimConfigSchema } from './psp-sim.config.js';

describe('pspSimConfigSchema', () => {
  it('when nothing is set, then it listens on 4100 with an in-memory database', () => {
    expect(parseConfig(pspSimConfigSchema, {})).toEqual({
      port: 4100,
      host: '0.0.0.0',
      databaseUrl: undefined,
      logLevel: 'info',
    });
  });

  it('when a Postgres URL is set, then it is used', () => {
    const config = parseConfig(pspSimConfigSchema, {
      PSP_SIM_DATABASE_URL: 'postgres://psp@db:5432/psp',
      PORT: '4200',
    });
    expect(config).toMatchObject({ port: 4200, databaseUrl: 'postgres://psp@db:5432/psp' });
  });
});

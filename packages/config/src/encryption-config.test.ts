import { AppError } from '@ordo/errors';
import { describe, expect, it } from 'vitest';
import { hostConfigSchema } from './host-config.js';
import { parseConfig } from './parse-config.js';

const KEY = Buffer.alloc(32, 9).toString('base64');
const OLD = Buffer.alloc(32, 3).toString('base64');

describe('field encryption settings', () => {
  it('when the master key and previous keys are base64 of 32 bytes, then they are read', () => {
    expect(
      parseConfig(hostConfigSchema, { ORDO_MASTER_KEY: KEY, ORDO_MASTER_KEYS_PREVIOUS: `${OLD}, ${KEY}` }),
    ).toMatchObject({
      masterKey: KEY,
      previousMasterKeys: `${OLD}, ${KEY}`,
    });
    expect(parseConfig(hostConfigSchema, {})).toMatchObject({ masterKey: undefined, previousMasterKeys: undefined });
  });

  it('when a key is not base64 of 32 bytes, then the start is refused naming the variable, never echoing the value', () => {
    const short = Buffer.alloc(16, 1).toString('base64');
    let caught: unknown;
    try {
      parseConfig(hostConfigSchema, { ORDO_MASTER_KEY: short, ORDO_MASTER_KEYS_PREVIOUS: `${KEY},not-a-key` });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    const error = caught as AppError;
    expect(error.code).toBe('ORDO_ERR_CONFIG_INVALID');
    const issues = error.details?.issues as Array<{ variable: string }>;
    expect(issues.map((i) => i.variable).sort()).toEqual(['ORDO_MASTER_KEY', 'ORDO_MASTER_KEYS_PREVIOUS']);
    expect(JSON.stringify(error.details) + error.message).not.toContain(short);
    expect(JSON.stringify(error.details) + error.message).not.toContain('not-a-key');
  });
});

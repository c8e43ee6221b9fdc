import { AppError } from '@ordo/errors';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { envInt, envOnOff, envPort } from './env-types.js';
import { parseConfig } from './parse-config.js';

const schema = z.object({
  PORT: envPort().default(8080),
  WORKERS: envInt({ min: 1, max: 16 }),
  FEATURE: envOnOff().default(false),
  NAME: z.string().optional(),
});

function configError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected parseConfig to throw');
}

describe('parseConfig', () => {
  it('when every variable is valid, then it returns the typed values', () => {
    expect(parseConfig(schema, { PORT: '9000', WORKERS: '4', FEATURE: 'on', NAME: 'x' })).toEqual({
      PORT: 9000,
      WORKERS: 4,
      FEATURE: true,
      NAME: 'x',
    });
  });

  it('when optional variables are missing or empty, then defaults apply', () => {
    expect(parseConfig(schema, { WORKERS: '2', PORT: '', NAME: '' })).toEqual({
      PORT: 8080,
      WORKERS: 2,
      FEATURE: false,
    });
  });

  it('when several variables are bad, then one CONFIG_INVALID error lists each of them', () => {
    const error = configError(() => parseConfig(schema, { PORT: '70000', FEATURE: 'yes' }));
    expect(error.code).toBe('ORDO_ERR_CONFIG_INVALID');
    expect(error.retryable).toBe(false);
    const issues = error.details?.issues as Array<{ variable: string; message: string }>;
    expect(issues.map((i) => i.variable).sort()).toEqual(['FEATURE', 'PORT', 'WORKERS']);
    expect(error.message).toMatch(/PORT: must be a port number/);
    expect(error.message).toMatch(/FEATURE: must be on or off/);
    expect(error.message).toMatch(/WORKERS:/);
  });

  it('when a bad value may be a secret, then the error does not echo it', () => {
    const error = configError(() => parseConfig(schema, { PORT: 's3cr3t-token', WORKERS: '1' }));
    expect(error.message).not.toContain('s3cr3t-token');
    expect(JSON.stringify(error.details)).not.toContain('s3cr3t-token');
  });

  it('when no env is given, then process.env is read', () => {
    const previous = process.env.WORKERS;
    process.env.WORKERS = '3';
    try {
      expect(parseConfig(schema).WORKERS).toBe(3);
    } finally {
      if (previous === undefined) delete process.env.WORKERS;
      else process.env.WORKERS = previous;
    }
  });
});

describe('env types', () => {
  it.each(['1e3', '0x10', ' 80', '-1', '65536', '3.5'])('when PORT is %j, then it is refused', (value) => {
    expect(envPort().safeParse(value).success).toBe(false);
  });

  it.each([
    ['0', 0],
    ['65535', 65535],
  ])('when PORT is %j, then it reads %d', (value, expected) => {
    expect(envPort().parse(value)).toBe(expected);
  });

  it('when an int is out of range, then it is refused', () => {
    expect(envInt({ min: 1, max: 3 }).safeParse('4').success).toBe(false);
    expect(envInt().parse('-12')).toBe(-12);
  });
});

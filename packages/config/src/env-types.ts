// Schemas for the shapes environment variables come in. Stricter than `z.coerce`, which
// reads `PORT=1e3` as 1000 and `PORT=0x10` as 16.
import { z } from 'zod';

/** A TCP port, 0–65535 (0 asks the OS for a free one). */
export function envPort() {
  return z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number (0-65535)')
    .transform(Number)
    .refine((n) => n <= 65535, 'must be a port number (0-65535)');
}

/** A whole number within `[min, max]`. */
export function envInt(options: { min?: number; max?: number } = {}) {
  const min = options.min ?? Number.MIN_SAFE_INTEGER;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  return z
    .string()
    .regex(/^-?\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);
}

/** A switch written `on` or `off`, read as a boolean. */
export function envOnOff() {
  return z.enum(['on', 'off'], { error: 'must be on or off' }).transform((v) => v === 'on');
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A pino log level. */
export function envLogLevel() {
  return z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` });
}

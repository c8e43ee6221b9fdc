// Structured JSON logging (pino). One root logger per process; components take a child.
import { pino } from 'pino';

export type Logger = pino.Logger;

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({ level: options.level ?? 'info', name: options.name ?? 'ordo' });
}

/** A logger that writes nothing: for tests and benchmarks that do not want output. */
export const silentLogger: Logger = pino({ level: 'silent' });

// Structured JSON logging (pino). One root logger per process; components take a child.
import { pino } from 'pino';

export type Logger = pino.Logger;

export interface LoggerOptions {
  level?: string;
  name?: string;
  /** Where the JSON lines go (default stdout); tests pass a stream that captures them. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino({ level: options.level ?? 'info', name: options.name ?? 'ordo' }, options.destination);
}

/** A logger that writes nothing: for tests and benchmarks that do not want output. */
export const silentLogger: Logger = pino({ level: 'silent' });

// Structured JSON logging (pino). One root logger per process; components take a child.
// Every logger made here keeps personal data out of its output (see redact.ts).
import { pino } from 'pino';
import { readableDestination } from './readable-lines.js';
import { redactionOptions } from './redact.js';

export {
  initials,
  type MaskedPlace,
  maskAddress,
  maskEmail,
  maskPaymentToken,
  maskPersonalData,
  maskPhone,
  type PersonalKind,
  personalKind,
  REDACTED,
  scrubText,
} from './personal-data.js';
export { readableLine } from './readable-lines.js';
export { safeUrl, serializeError, serializeReply, serializeRequest } from './serializers.js';

export type Logger = pino.Logger;

export interface LoggerOptions {
  level?: string;
  name?: string;
  /** Where the JSON lines go (default stdout); tests pass a stream that captures them. */
  destination?: pino.DestinationStream;
  /**
   * `json` (one JSON record per line, for log collectors), `readable` (a short line per record,
   * for a person), or `auto` (default): readable when stdout is a terminal, JSON otherwise.
   */
  format?: 'json' | 'readable' | 'auto';
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const format = options.format ?? 'auto';
  const readable =
    options.destination === undefined &&
    (format === 'readable' || (format === 'auto' && process.stdout.isTTY === true));
  const destination = readable ? readableDestination() : options.destination;
  return pino({ level: options.level ?? 'info', name: options.name ?? 'ordo', ...redactionOptions() }, destination);
}

/** A logger that writes nothing: for tests and benchmarks that do not want output. */
export const silentLogger: Logger = pino({ level: 'silent' });

// Log lines for a person at a terminal: `15:04:05 INFO  message`, one per record, from the same
// JSON records pino writes for machines. Used when stdout is a TTY. Info lines are their message
// alone (messages are written to be read); other levels add their fields as `key=value`.
import { Writable } from 'node:stream';

const LEVELS: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};

/** Fields every record has, or that the line already shows. */
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'v']);

function value(v: unknown): string {
  if (typeof v === 'string') return /\s/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/** One JSON record as one readable line (errors keep their stack on the following lines). */
export function readableLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = new Date(Number(record.time)).toISOString().slice(11, 19);
  const level = LEVELS[Number(record.level)] ?? String(record.level);
  const err = record.err as { stack?: string } | undefined;
  const fields = Object.entries(record)
    .filter(([k]) => Number(record.level) !== 30 && !HIDDEN.has(k) && k !== 'err')
    .map(([k, v]) => `${k}=${value(v)}`)
    .join(' ');
  const line = `${time} ${level} ${String(record.msg ?? '')}${fields ? `  ${fields}` : ''}`;
  return err?.stack ? `${line}\n${err.stack}` : line;
}

/** A destination that turns pino's JSON lines into readable ones on `out`. */
export function readableDestination(out: NodeJS.WritableStream = process.stdout): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      pending += chunk.toString();
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line) out.write(`${readableLine(line)}\n`);
        newline = pending.indexOf('\n');
      }
      done();
    },
  });
}

// The pino options that keep personal data out of every record, whoever writes it: fields named in
// the personal-data policy are masked at any depth, free text (the message, string fields) is
// scrubbed, and errors, requests and replies go through their serializers.
// pino's own `redact` matches fixed paths only (`*.email` is one level deep, not any level) and
// its wildcard paths are slow, so the walk over the record runs as its `log` formatter; `redact`
// guards the top-level fields of child bindings, which the formatter never sees.
import type { pino } from 'pino';
import { maskPersonalData, maskValue, personalFieldNames, personalKind, REDACTED, scrubText } from './personal-data.js';
import { scrubErrorMessage, serializeError, serializeReply, serializeRequest } from './serializers.js';

// Keys whose value a serializer turns into a safe shape; the walk leaves them to it.
const SERIALIZED = new Set(['err', 'error', 'req', 'res']);

/** pino's `formatters.log`: the record's own fields, personal data masked at any depth. */
export function redactRecord(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (SERIALIZED.has(key)) out[key] = value;
    else out[key] = maskPersonalData({ [key]: value }, { error: (e) => serializeError(e) })[key];
  }
  return out;
}

// A child logger's bindings (`{ sagaId }`, `{ component }`) go through the same policy, once, when
// the child is made; `name`, `pid` and `hostname` are the process's, not a person's.
const PROCESS_BINDINGS = new Set(['name', 'pid', 'hostname']);

function redactBindings(bindings: pino.Bindings): pino.Bindings {
  const out: pino.Bindings = {};
  for (const [key, value] of Object.entries(bindings)) {
    out[key] = PROCESS_BINDINGS.has(key) ? value : maskPersonalData({ [key]: value })[key];
  }
  return out;
}

// The message argument and its interpolation values are free text; an Error passed first
// becomes `{ err }` with its scrubbed message, as pino would have done with the raw one.
function logMethod(this: pino.Logger, args: Parameters<pino.LogFn>, method: pino.LogFn): void {
  let input: unknown[] = args;
  const [first, ...rest] = input;
  if (first instanceof Error) {
    input =
      typeof rest[0] === 'string' ? [{ err: first }, ...rest] : [{ err: first }, scrubErrorMessage(first.message)];
  }
  const scrubbed = input.map((arg) => (typeof arg === 'string' ? scrubText(arg) : arg));
  (method as (...a: unknown[]) => void).apply(this, scrubbed);
}

/** The options that make a pino logger keep personal data out of its output. */
export function redactionOptions(): Pick<pino.LoggerOptions, 'serializers' | 'formatters' | 'hooks' | 'redact'> {
  const fields = personalFieldNames();
  return {
    serializers: {
      err: serializeError,
      error: serializeError,
      req: serializeRequest,
      res: serializeReply,
    },
    formatters: { log: redactRecord, bindings: redactBindings },
    hooks: { logMethod },
    redact: {
      // Top-level paths only: wildcard paths cost pino ~10x per record. A child's bindings
      // (`logger.child({ email })`) are checked here, as the formatter never sees them.
      // `name` is left out: at the top level it is the logger's own name.
      paths: fields.filter((f) => f !== 'name').map((f) => (/^\w+$/.test(f) ? f : `["${f}"]`)),
      // The same masked form the formatter gives, so a field masked twice reads the same.
      censor: (value: unknown, path: string[]) => {
        const kind = personalKind(path.at(-1) ?? '');
        return kind === undefined ? REDACTED : maskValue(kind, value);
      },
    },
  };
}

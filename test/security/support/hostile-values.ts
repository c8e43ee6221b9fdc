// What the hostile-input fuzz puts in each field, and how a JSON Schema of the API document gives a
// body to put it in. Deterministic: the same document gives the same requests.
import type { JsonSchema } from '@ordo/http';

export interface HostileValue {
  readonly label: string;
  readonly value: unknown;
}

export const HOSTILE_VALUES: readonly HostileValue[] = [
  { label: 'NUL', value: 'a\u0000b' },
  { label: 'lone surrogate', value: 'a\ud800b' },
  { label: 'bidi override', value: 'abc\u202Etxt.exe' },
  { label: '10,000 characters', value: 'a'.repeat(10_000) },
  { label: 'SQL', value: "' OR 1=1 --" },
  { label: 'template {{}}', value: '{{7*7}}' },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template placeholder is the hostile value
  { label: 'template $-braces', value: '${7*7}' },
  { label: '%00', value: '%00' },
  { label: 'path traversal', value: '../../etc/passwd' },
  { label: 'long number text', value: '9'.repeat(400) },
  { label: 'huge number', value: 1e308 },
  { label: 'unsafe integer', value: 2 ** 63 },
  { label: 'negative', value: -1 },
  { label: 'array', value: ['a', 'b'] },
  { label: 'nested objects', value: { a: { b: { c: { d: ['e'] } } } } },
  { label: 'null', value: null },
  { label: 'boolean', value: true },
  { label: 'empty', value: '' },
];

// The values that broke Ordo before (text Postgres cannot store or that disguises itself, and
// sheer length) go into every field; the rest into every other field, alternating, so each value
// still meets half the fields of each body and the fuzz stays quick.
const ALWAYS = 5;

/** Whether the fuzz puts value `valueIndex` of HOSTILE_VALUES into body field `fieldIndex`. */
export function sampled(valueIndex: number, fieldIndex: number): boolean {
  return valueIndex < ALWAYS || (valueIndex + fieldIndex) % 2 === 0;
}

/** A value as text in a URL part: lone surrogates cannot be percent-encoded, so their UTF-8 bytes go. */
export function urlText(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  try {
    return encodeURIComponent(text);
  } catch {
    return text
      .split(/([\ud800-\udfff])/)
      .map((part) => (/^[\ud800-\udfff]$/.test(part) ? '%ED%A0%80' : encodeURIComponent(part)))
      .join('');
  }
}

export type Components = Readonly<Record<string, JsonSchema>>;

function resolve(schema: JsonSchema, components: Components): JsonSchema {
  const ref = typeof schema.$ref === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(schema.$ref)?.[1] : undefined;
  return ref === undefined ? schema : resolve(components[ref] ?? {}, components);
}

function firstOf(schema: JsonSchema): JsonSchema | undefined {
  const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  return options?.find((option) => option.type !== 'null') ?? options?.[0];
}

// A few formats and patterns of the API, so the base body passes validation and the fuzzed field
// is the only wrong one.
function sampleString(schema: JsonSchema, hint: string): string {
  if (schema.format === 'email') return `fuzz.${hint}@example.com`;
  if (schema.format === 'uuid') return '01900000-0000-7000-8000-000000000000';
  if (schema.format === 'date-time') return '2026-01-01T00:00:00.000Z';
  const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
  return 'fuzz-value-ok'.padEnd(Math.max(min, 8), 'x');
}

/** Values by property name (`restaurantId`, `email`): real ones take a request past the handler's own checks. */
export type KnownValues = Readonly<Record<string, unknown>>;

/** A body that satisfies `schema` as far as a simple generator can. */
export function sampleOf(schema: JsonSchema, components: Components, known: KnownValues = {}, hint = 'x'): unknown {
  if (hint in known) return known[hint];
  const s = resolve(schema, components);
  if (s.default !== undefined && s.type !== 'object') return s.default;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  const option = firstOf(s);
  if (option) return sampleOf(option, components, known, hint);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'string':
      return sampleString(s, hint);
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? Math.max(s.minimum, Math.min(1, Number(s.maximum ?? 1))) : 1;
    case 'boolean':
      return false;
    case 'array': {
      const count = typeof s.minItems === 'number' ? Math.max(1, s.minItems) : 1;
      return Array.from({ length: count }, () => sampleOf((s.items as JsonSchema) ?? {}, components, known, hint));
    }
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
      return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, sampleOf(v, components, known, k)]));
    }
    default:
      return 'fuzz';
  }
}

/** JSON Pointer-ish paths (arrays of keys) of every property and array item in `value`. */
export function fieldPaths(value: unknown, prefix: ReadonlyArray<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) {
    return value.length === 0 ? [] : [[...prefix, 0], ...fieldPaths(value[0], [...prefix, 0])];
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [[...prefix, key], ...fieldPaths(item, [...prefix, key])]);
  }
  return [];
}

/** A deep copy of `body` with `value` at `path`. */
export function withValue(body: unknown, path: ReadonlyArray<string | number>, value: unknown): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = value;
  return copy;
}

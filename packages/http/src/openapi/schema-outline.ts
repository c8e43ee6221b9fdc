// A JSON Schema as a short, TypeScript-like outline for people reading the docs page:
// `{ id: string, limit?: integer  // 1 to 100, default 20 }`. Plain text; the page escapes it.
import type { JsonSchema } from './json-schema.js';

const INDENT = '  ';

function range(min: unknown, max: unknown, unit = ''): string | undefined {
  const suffix = unit ? ` ${unit}` : '';
  if (min !== undefined && max !== undefined) return `${min} to ${max}${suffix}`;
  if (min !== undefined) return `at least ${min}${suffix}`;
  if (max !== undefined) return `at most ${max}${suffix}`;
  return undefined;
}

/** The comment after a field: its bounds, format and default, then its description. */
function comment(schema: JsonSchema): string {
  const notes = [
    range(schema.minimum, schema.maximum),
    range(schema.minLength, schema.maxLength, 'characters'),
    range(schema.minItems, schema.maxItems, 'items'),
    typeof schema.format === 'string' ? schema.format : undefined,
    schema.default !== undefined ? `default ${JSON.stringify(schema.default)}` : undefined,
  ].filter((note) => note !== undefined);
  const description = typeof schema.description === 'string' ? schema.description : undefined;
  const text = [notes.join(', '), description].filter(Boolean).join(' — ');
  return text ? `  // ${text}` : '';
}

function typeName(schema: JsonSchema, depth: number): string {
  if (typeof schema.$ref === 'string') return schema.$ref.replace(/^#\/components\/schemas\//, '');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (union) return union.map((s) => typeName(s, depth)).join(' | ');
  if (Array.isArray(schema.type)) {
    return schema.type.map((t) => typeName({ ...schema, type: t }, depth)).join(' | ');
  }
  switch (schema.type) {
    case 'object':
      return objectOutline(schema, depth);
    case 'array': {
      const items = typeName((schema.items as JsonSchema | undefined) ?? {}, depth);
      return items.includes(' ') && !items.startsWith('{') ? `Array<${items}>` : `${items}[]`;
    }
    case undefined:
      return 'any';
    default:
      return String(schema.type);
  }
}

function objectOutline(schema: JsonSchema, depth: number): string {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const names = Object.keys(properties);
  if (names.length === 0) {
    const values = schema.additionalProperties;
    return values && typeof values === 'object' ? `{ [key: string]: ${typeName(values as JsonSchema, depth)} }` : '{}';
  }
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const pad = INDENT.repeat(depth + 1);
  const lines = names.map((name) => {
    const property = properties[name] as JsonSchema;
    return `${pad}${name}${required.has(name) ? '' : '?'}: ${typeName(property, depth + 1)}${comment(property)}`;
  });
  return `{\n${lines.join('\n')}\n${INDENT.repeat(depth)}}`;
}

export function schemaOutline(schema: JsonSchema): string {
  return `${typeName(schema, 0)}${comment(schema)}`;
}

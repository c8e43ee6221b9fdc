// zod schemas as the JSON Schema (2020-12) of an OpenAPI 3.1 document. A schema named with
// `.meta({ id: 'Order' })` becomes a shared component, `#/components/schemas/Order`.
import { z } from 'zod';

export type JsonSchema = { [keyword: string]: unknown };

/** Request parts are documented as clients send them (before defaults and coercion), responses as sent. */
export type SchemaDirection = 'input' | 'output';

const COMPONENT_PREFIX = '#/components/schemas/';

function adjust(context: { zodSchema: z.core.$ZodTypes; jsonSchema: z.core.JSONSchema.BaseSchema }): void {
  const def = context.zodSchema._zod.def;
  // zod closes every z.object when describing output; a response may gain fields later, and a
  // client that refused them would break. Only z.strictObject stays closed.
  if (def.type === 'object' && def.catchall === undefined) delete context.jsonSchema.additionalProperties;
  // The format says it all; zod's regular expression for ISO dates only clutters the page.
  if (context.jsonSchema.format === 'date-time') delete context.jsonSchema.pattern;
  // `.int()` adds the safe-integer range as bounds; they say nothing a client needs to know.
  if (context.jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete context.jsonSchema.minimum;
  if (context.jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete context.jsonSchema.maximum;
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === '$ref' && typeof inner === 'string'
        ? inner.replace(/^#\/\$defs\//, COMPONENT_PREFIX)
        : rewriteRefs(inner),
    ]),
  );
}

/** Converts zod schemas one at a time and collects the named ones they use as components. */
export class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};

  convert(schema: z.ZodType, direction: SchemaDirection): JsonSchema {
    const raw = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io: direction,
      // A type JSON cannot carry (a Date before serialization) is documented as "any" rather
      // than failing the whole document.
      unrepresentable: 'any',
      override: adjust,
    }) as JsonSchema;
    const { $schema: _dialect, $defs, ...root } = raw;
    for (const [name, definition] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      this.add(name, rewriteRefs(definition) as JsonSchema);
    }
    return rewriteRefs(root) as JsonSchema;
  }

  add(name: string, definition: JsonSchema): void {
    const existing = this.components[name];
    if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(definition)) {
      throw new Error(
        `schema "${name}" has two different JSON forms (as a request and as a response?): give each its own id`,
      );
    }
    this.components[name] = definition;
  }
}

/** `#/components/schemas/<name>`. */
export function componentRef(name: string): JsonSchema {
  return { $ref: `${COMPONENT_PREFIX}${name}` };
}

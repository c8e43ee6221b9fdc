// Maps message types to their zod payload schemas; consumers validate at their entry.
import { AppError, Errors } from '@ordo/errors';
import { z } from 'zod';

export class SchemaRegistry {
  private readonly schemas = new Map<string, z.ZodType>();

  register<S extends z.ZodType>(type: string, schema: S): this {
    const existing = this.schemas.get(type);
    if (existing && existing !== schema) throw new Error(`a different schema is already registered for ${type}`);
    this.schemas.set(type, schema);
    return this;
  }

  registerAll(entries: Readonly<Record<string, z.ZodType>>): this {
    for (const [type, schema] of Object.entries(entries)) this.register(type, schema);
    return this;
  }

  has(type: string): boolean {
    return this.schemas.has(type);
  }

  /** Returns the parsed payload, or throws a non-retryable AppError naming what is wrong. */
  parse(type: string, payload: unknown): unknown {
    const schema = this.schemas.get(type);
    if (!schema) throw new AppError(Errors.MSG_UNKNOWN_TYPE, { message: `no schema registered for ${type}` });
    const result = schema.safeParse(payload);
    if (!result.success) {
      throw new AppError(Errors.MSG_SCHEMA_INVALID, {
        message: `${type} payload is invalid: ${z.prettifyError(result.error)}`,
      });
    }
    return result.data;
  }
}

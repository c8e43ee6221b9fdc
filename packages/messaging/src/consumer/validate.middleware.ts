// Validates the payload against its registered zod schema before any handler sees it.
// Types this consumer has no handler for are not validated: they are recorded and skipped.
import type { SchemaRegistry } from '../schema-registry.js';
import type { Middleware } from './context.js';

export function validateMiddleware(registry: SchemaRegistry, handledTypes: ReadonlySet<string>): Middleware {
  return (next) => async (ctx) => {
    const envelope = ctx.envelope!;
    if (!handledTypes.has(envelope.type)) {
      ctx.outcome = 'ignored';
      return;
    }
    ctx.payload = registry.parse(envelope.type, envelope.payload);
    await next(ctx);
  };
}

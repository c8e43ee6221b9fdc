// Parses the transport body into an envelope; a body that is not one fails non-retryably.
import { parseEnvelope } from '../envelope.js';
import type { Middleware } from './context.js';

export const decodeMiddleware: Middleware = (next) => async (ctx) => {
  ctx.envelope = parseEnvelope(ctx.delivery.message.body);
  await next(ctx);
};

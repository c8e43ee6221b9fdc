// Load shedding at the edge (ADR 0029): the gateway works on at most `maxInFlight` API requests at
// once and refuses the next with 503 and Retry-After, before anything else is done for it. Past
// that point every request would only wait longer: with hundreds queued, each one's answer comes
// after everyone else's, clients time out and send again, and the gateway spends its CPU on work
// nobody waits for any more. A refusal costs less than the cheapest answer.
import { Errors } from '@ordo/errors';
import { errorBody } from '@ordo/http';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * The hosts' default (`ORDO_MAX_IN_FLIGHT`): far above what one gateway process on two cores keeps
 * busy at its saturation (about 60 requests in `npm run bench:read`), so it never refuses in normal
 * operation; it bounds the queue, and the memory it holds, when an upstream stalls or a flood
 * arrives. ADR 0029 says when to set it lower.
 */
export const DEFAULT_MAX_IN_FLIGHT = 1024;

const REFUSAL = errorBody(Errors.GATEWAY_OVERLOADED);
/** Shedding is logged, but a line per refusal would cost more than the refusal. */
const SHED_LINE_INTERVAL_MS = 10_000;

export interface AdmissionOptions {
  /** API requests worked on at once; the next one is refused until one of them ends. */
  readonly maxInFlight: number;
  /** Retry-After of a refusal (default 1 s). */
  readonly retryAfterSeconds?: number;
}

/**
 * What is counted: the API under `/v1/`, but not its live streams (`…/track`, or any request asking
 * for `text/event-stream`), which stay open for as long as a customer watches. Health, readiness,
 * metrics, the docs and the web app's files are never refused: an orchestrator must still see the
 * gateway alive while it sheds.
 */
export function isCounted(request: Pick<FastifyRequest, 'url' | 'headers'>): boolean {
  const path = request.url.split('?', 1)[0] ?? '';
  if (!path.startsWith('/v1/')) return false;
  if (path.endsWith('/track')) return false;
  return !String(request.headers.accept ?? '').includes('text/event-stream');
}

function metricsOf(app: FastifyInstance) {
  const registers: Registry[] = app.hasDecorator('metricsRegistry') ? [app.metricsRegistry] : [];
  return {
    inFlight: new Gauge({
      name: 'ordo_gateway_requests_in_flight',
      help: 'API requests the gateway is working on (live streams not counted)',
      registers,
    }),
    shed: new Counter({
      name: 'ordo_gateway_requests_shed_total',
      help: 'API requests refused with 503 because the gateway was working on its maximum already',
      registers,
    }),
  };
}

/**
 * An `onRequest` hook of the scope it is registered in, first of all, and unencapsulated (like the
 * rate limits), so it reaches the proxy's routes and those the embedded host mounts later. A slot
 * is given back when the answer is sent or the client goes away, whichever comes first.
 */
export function admissionPlugin(options: AdmissionOptions): FastifyPluginAsync {
  if (!Number.isInteger(options.maxInFlight) || options.maxInFlight < 1) {
    throw new Error(`maxInFlight must be a positive integer, not ${options.maxInFlight}`);
  }
  const retryAfter = String(Math.max(1, Math.ceil(options.retryAfterSeconds ?? 1)));
  const plugin: FastifyPluginAsync = async (app) => {
    const metrics = metricsOf(app);
    let inFlight = 0;
    let lastLine = 0;
    let refusedSinceLine = 0;
    const counted = new WeakSet<FastifyRequest>();
    const release = (request: FastifyRequest) => {
      if (!counted.delete(request)) return;
      inFlight--;
      metrics.inFlight.set(inFlight);
    };
    app.addHook('onRequest', async (request, reply) => {
      if (!isCounted(request)) return;
      if (inFlight >= options.maxInFlight) {
        metrics.shed.inc();
        refusedSinceLine++;
        const now = Date.now();
        if (now - lastLine >= SHED_LINE_INTERVAL_MS) {
          app.log.warn(
            { refused: refusedSinceLine, maxInFlight: options.maxInFlight },
            'shedding load: API requests refused with 503 (at most one line per 10 s)',
          );
          lastLine = now;
          refusedSinceLine = 0;
        }
        // Answered here, not thrown: no error object, stack or log line per refusal. The metric
        // counts them; a refusal has to cost less than the answer it saves.
        return reply.code(Errors.GATEWAY_OVERLOADED.httpStatus).header('retry-after', retryAfter).send(REFUSAL);
      }
      inFlight++;
      counted.add(request);
      metrics.inFlight.set(inFlight);
      // Whichever comes first: the answer sent, the client gone, the socket closed.
      reply.raw.once('close', () => release(request));
    });
    app.addHook('onResponse', async (request) => release(request));
    app.addHook('onRequestAbort', async (request) => release(request));
  };
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true });
}

// `GET /v1/orders/:id/track`: an order's live feed as server-sent events. The caller is checked
// against the order view first (another customer's order is a 404), then the stream starts from
// the Last-Event-ID: history first, then live events, each once and in order (`followFeed`).
import { allow, authPlugin, type RouteAuth } from '@ordo/auth';
import { parseInput } from '@ordo/http';
import { followFeed, type LiveFeed, sseFrame } from '@ordo/live-feed';
import type { FastifyPluginAsync } from 'fastify';
import type { QueryDeps } from '../../use-cases/deps.js';
import { readOrder } from '../../use-cases/read-order.use-case.js';
import { orderIdParams } from './query.api.js';
import { trackHeaders, trackQuery } from './track.api.js';

export interface TrackRoutesOptions {
  readonly deps: QueryDeps;
  readonly feed: LiveFeed;
  readonly auth: RouteAuth;
  /** A comment line this often keeps proxies from closing a quiet stream. Default 15 s. */
  readonly heartbeatMs?: number;
}

export const trackRoutes: FastifyPluginAsync<TrackRoutesOptions> = async (app, { deps, feed, auth, heartbeatMs }) => {
  await app.register(authPlugin, { auth });

  app.get('/v1/orders/:id/track', { config: allow('customer', 'operator') }, async (request, reply) => {
    const { id } = parseInput(orderIdParams, request.params, 'params');
    const query = parseInput(trackQuery, request.query, 'querystring');
    const fromHeader = parseInput(trackHeaders, request.headers, 'headers')['last-event-id'];
    await readOrder(deps, auth.currentUser(request), id);

    // Events that arrive before the response has started wait here; nothing is written until the
    // subscription stands, so a failure up to then is an ordinary error response.
    const early: string[] = [];
    let write = (frame: string) => {
      early.push(frame);
    };
    const stop = await followFeed(feed, id, fromHeader ?? query.lastEventId ?? null, (event) => write(sseFrame(event)));
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(`retry: 2000\n\n${early.join('')}`);
    write = (frame) => {
      raw.write(frame);
    };
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), heartbeatMs ?? 15_000);
    heartbeat.unref();
    const close = () => {
      clearInterval(heartbeat);
      stop().catch((err) => request.log.warn({ err }, 'could not stop following a feed'));
    };
    raw.once('close', close);
  });
};

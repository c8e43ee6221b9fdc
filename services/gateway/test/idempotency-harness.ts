// A gateway with idempotency keys in front of a stand-in service, in either shape: its routes
// mounted on the gateway's app after the gateway (embedded), or on an app of its own that the
// gateway forwards to over HTTP (distributed). The stand-in counts what it really runs and can
// hold a request in flight until the test lets it go.
import { randomUUID } from 'node:crypto';
import { type AuthPluginOptions, allow, authPlugin, forwardedCallerAuth, type TokenVerifier } from '@ordo/auth';
import { type Db, migrate } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import { createHttpApp } from '@ordo/http';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { createGatewayService, type GatewayService } from '../src/main.js';
import { gatewayContext, register, type TestClock, testClock, tokenFor } from './gateway-harness.js';
import { CHEAP_HASHES } from './session-harness.js';

export type Shape = 'embedded' | 'proxied';

export const IDEMPOTENT = [
  { method: 'POST', path: '/v1/things' },
  { method: 'POST', path: '/v1/things/:id/void' },
];

export interface ThingBody {
  n?: number;
  /** A key of `Errors` the stand-in fails with, or `crash` for an unexpected error (500). */
  fail?: string;
  /** Held in flight until `release()`. */
  hold?: boolean;
}

export interface StandIn {
  /** Requests the stand-in really ran. */
  ran: number;
  /** Lets every held request finish. */
  release(): void;
}

function standInRoutes(auth: AuthPluginOptions, state: StandIn, gate: { open: Promise<void> }): FastifyPluginAsync {
  return async (app) => {
    await app.register(authPlugin, auth);
    const run = async (body: ThingBody | undefined) => {
      if (typeof body?.n !== 'number') throw new AppError(Errors.VALIDATION, { details: { in: 'body' } });
      state.ran += 1;
      if (body.hold) await gate.open;
      if (body.fail === 'crash') throw new Error('the stand-in crashed');
      if (body.fail) throw new AppError(Errors[body.fail as keyof typeof Errors]);
      return { id: randomUUID(), n: body.n, run: state.ran };
    };
    app.post('/v1/things', { config: allow('customer') }, async (request, reply) => {
      const thing = await run(request.body as ThingBody | undefined);
      return reply.code(201).header('location', `/v1/things/${thing.id}`).send(thing);
    });
    app.post('/v1/things/:id/void', { config: allow('customer') }, async () => run({ n: 0 }));
    // Not an idempotent route: the header means nothing here.
    app.post('/v1/notes', { config: allow('customer') }, async (request) => run(request.body as ThingBody));
  };
}

export interface IdempotencyEnv {
  app: FastifyInstance;
  gateway: GatewayService;
  clock: TestClock;
  standIn: StandIn;
  close(): Promise<void>;
}

export async function startIdempotencyEnv(
  db: Db,
  shape: Shape,
  options: { clock?: TestClock; migrate?: boolean } = {},
): Promise<IdempotencyEnv> {
  const clock = options.clock ?? testClock();
  let open: () => void = () => {};
  const gate = { open: Promise.resolve() };
  const rearm = () => {
    gate.open = new Promise<void>((resolve) => {
      open = resolve;
    });
  };
  rearm();
  const standIn: StandIn = {
    ran: 0,
    release: () => {
      open();
      rearm();
    },
  };
  const context = gatewayContext(db, clock.now);
  let upstream: FastifyInstance | undefined;
  let gatewayRef: GatewayService | undefined;
  const verifier: TokenVerifier = { verify: (token) => gatewayRef!.verifier.verify(token) };
  if (shape === 'proxied') {
    upstream = await createHttpApp();
    // Behind the proxy the caller comes in the gateway's `x-ordo-caller` header; plain HTTP here,
    // so every peer is trusted (forwarded-caller.test.ts covers the certificate check).
    await upstream.register(standInRoutes({ auth: forwardedCallerAuth({ trust: () => true }) }, standIn, gate));
    await upstream.listen({ host: '127.0.0.1', port: 0 });
  }
  const address = upstream?.server.address();
  const gateway = createGatewayService(context, {
    idempotency: { routes: IDEMPOTENT },
    passwordHashParams: CHEAP_HASHES,
    ...(upstream && typeof address === 'object' && address
      ? {
          upstreams: [
            { service: 'stand-in', prefixes: ['/v1/things', '/v1/notes'], url: `http://127.0.0.1:${address.port}` },
          ],
        }
      : {}),
  });
  gatewayRef = gateway;
  if (options.migrate !== false) await migrate(db, gateway.schema, gateway.migrations);
  await gateway.start();
  const app = await createHttpApp();
  await app.register(gateway.routes);
  if (shape === 'embedded') await app.register(standInRoutes({ verifier }, standIn, gate));
  await app.ready();
  return {
    app,
    gateway,
    clock,
    standIn,
    async close() {
      standIn.release();
      await app.close();
      await upstream?.close();
      await gateway.stop();
    },
  };
}

/** Registers a customer and returns their access token. */
export async function customer(app: FastifyInstance, email: string): Promise<string> {
  const res = await register(app, email, 'correct horse battery');
  if (res.statusCode !== 201) throw new Error(`registration of ${email} failed: ${res.statusCode} ${res.body}`);
  return tokenFor(app, email, 'correct horse battery');
}

export function send(
  app: FastifyInstance,
  token: string,
  key: string | undefined,
  body: unknown,
  url = '/v1/things',
  headers: Record<string, string> = {},
) {
  return app.inject({
    method: 'POST',
    url,
    headers: {
      authorization: `Bearer ${token}`,
      ...(key === undefined ? {} : { 'idempotency-key': key }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

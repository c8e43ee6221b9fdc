// Runs the gateway the way a host does (migrations, start, routes on an Ordo HTTP app) on a
// database the test provides, with a clock the test can move.
import type { FieldKeys } from '@ordo/crypto';
import { type Db, migrate } from '@ordo/db';
import { noFaults } from '@ordo/faults';
import { createHttpApp } from '@ordo/http';
import { silentLogger } from '@ordo/logger';
import type { ServiceContext } from '@ordo/service-kit';
import { MemoryTransport, testFieldKeys } from '@ordo/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createGatewayService, type GatewayOptions, type GatewayService } from '../src/main.js';

export interface TestClock {
  now: () => Date;
  advance(ms: number): void;
}

export function testClock(start = new Date()): TestClock {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

/** A gateway's context in these tests: its audit events go to an in-memory transport nobody reads. */
export function gatewayContext(db: Db, now: () => Date): ServiceContext {
  return {
    db,
    transport: new MemoryTransport(),
    logger: silentLogger,
    faults: noFaults,
    now,
    fieldKeys: testFieldKeys('gateway'),
  };
}

export interface RunningGateway {
  app: FastifyInstance;
  service: GatewayService;
  clock: TestClock;
  /** Stops the service and closes the app; the database stays open (the test owns it). */
  close(): Promise<void>;
}

export async function startGateway(
  db: Db,
  options: { clock?: TestClock; gateway?: GatewayOptions; fieldKeys?: FieldKeys } = {},
): Promise<RunningGateway> {
  const clock = options.clock ?? testClock();
  const context = gatewayContext(db, clock.now);
  const service = createGatewayService(
    options.fieldKeys ? { ...context, fieldKeys: options.fieldKeys } : context,
    options.gateway,
  );
  await migrate(db, service.schema, service.migrations);
  await service.start();
  const app = await createHttpApp();
  await app.register(service.routes);
  await app.ready();
  return {
    app,
    service,
    clock,
    close: async () => {
      await app.close();
      await service.stop();
    },
  };
}

export function postJson(app: FastifyInstance, url: string, body: unknown, token?: string) {
  return app.inject({
    method: 'POST',
    url,
    payload: body as Record<string, unknown>,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

export async function register(app: FastifyInstance, email: string, password: string, name?: string) {
  return postJson(app, '/v1/auth/register', { email, password, name });
}

export async function login(app: FastifyInstance, email: string, password: string): Promise<LightMyRequestResponse> {
  return postJson(app, '/v1/auth/login', { email, password });
}

/** Logs in and returns the access token; fails the test when login fails. */
export async function tokenFor(app: FastifyInstance, email: string, password: string): Promise<string> {
  const res = await login(app, email, password);
  if (res.statusCode !== 200) throw new Error(`login of ${email} failed: ${res.statusCode} ${res.body}`);
  return res.json().accessToken;
}

export async function countUsers(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM gateway.users');
  return rows[0]?.n ?? 0;
}

// Test harness: the simulator mounted in an Ordo HTTP app (as the embedded host mounts it),
// on a real database, with a settable clock and a sleep that records instead of waiting.
import { type Db, migrate } from '@ordo/db';
import { createHttpApp } from '@ordo/http';
import { silentLogger } from '@ordo/logger';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createPspSimService, type PspSimOptions, type PspSimService } from '../src/index.js';

export interface TestClock {
  now(): Date;
  advance(ms: number): void;
}

export function testClock(start = '2026-11-21T12:00:00.000Z'): TestClock {
  let current = Date.parse(start);
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
  };
}

export interface SimHarness {
  readonly app: FastifyInstance;
  readonly service: PspSimService;
  readonly db: Db;
  readonly clock: TestClock;
  /** Every wait the simulator asked for, in ms (latency and hangs). */
  readonly sleeps: number[];
  close(): Promise<void>;
}

export async function startSim(db: Db, options: PspSimOptions = {}): Promise<SimHarness> {
  const clock = testClock();
  const sleeps: number[] = [];
  const service = createPspSimService(
    { db, logger: silentLogger, now: clock.now },
    {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...options,
    },
  );
  await migrate(db, service.schema, service.migrations);
  const app = await createHttpApp();
  await app.register(service.routes);
  await app.ready();
  return {
    app,
    service,
    db,
    clock,
    sleeps,
    close: async () => {
      await app.close();
      await service.stop();
    },
  };
}

/** Empties the simulator's tables, so one database serves every test of a file (PGlite's initdb takes seconds). */
export async function emptyTables(db: Db): Promise<void> {
  await db.query(
    'DELETE FROM psp_sim.charge_operations; DELETE FROM psp_sim.charges; DELETE FROM psp_sim.idempotency_keys',
  );
}

export function authorizationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { orderId: 'ord_1', amountCents: 2500, currency: 'EUR', cardToken: 'tok_visa', ...overrides };
}

export function postWithKey(
  app: FastifyInstance,
  url: string,
  key: string | undefined,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url,
    headers: key === undefined ? {} : { 'idempotency-key': key },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

export function authorize(app: FastifyInstance, key: string, overrides: Record<string, unknown> = {}) {
  return postWithKey(app, '/psp/v1/authorizations', key, authorizationBody(overrides));
}

/** Authorizes and returns the new charge's id. */
export async function authorizedCharge(app: FastifyInstance, key: string, overrides: Record<string, unknown> = {}) {
  const res = await authorize(app, key, overrides);
  if (res.statusCode !== 201) throw new Error(`authorization failed: ${res.statusCode} ${res.body}`);
  return res.json().chargeId as string;
}

export async function rowCounts(db: Db): Promise<{ charges: number; operations: number; keys: number }> {
  const { rows } = await db.query<{ charges: number; operations: number; keys: number }>(
    `SELECT (SELECT count(*) FROM psp_sim.charges)::int AS charges,
            (SELECT count(*) FROM psp_sim.charge_operations)::int AS operations,
            (SELECT count(*) FROM psp_sim.idempotency_keys)::int AS keys`,
  );
  return rows[0]!;
}

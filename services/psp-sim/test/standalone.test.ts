// Component test of the distributed shape: `runPspSim` configured from env vars, on its own
// port, against a real Postgres database.
import type { AppError } from '@ordo/errors';
import type { ServiceContext, ServiceFactory } from '@ordo/service-kit';
import { createTestPgDatabase, type TestPgDatabase } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createPspSimService, type PspSimOptions, type RunningPspSim, runPspSim } from '../src/index.js';

let database: TestPgDatabase;
let sim: RunningPspSim;

beforeAll(async () => {
  database = await createTestPgDatabase('ordo_psp_sim');
  sim = await runPspSim({
    PORT: '0',
    HOST: '127.0.0.1',
    PSP_SIM_DATABASE_URL: database.connectionString,
    ORDO_LOG_LEVEL: 'silent',
  });
});
afterAll(async () => {
  await sim?.close();
  await database?.drop();
});

describe('runPspSim', () => {
  it('when started from env vars, then it listens, is ready, and authorizes over HTTP', async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${sim.url}/readyz`)).status).toBe(200);
    const res = await fetch(`${sim.url}/psp/v1/authorizations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-standalone' },
      body: JSON.stringify({ orderId: 'ord_1', amountCents: 1200, currency: 'EUR', cardToken: 'tok_visa' }),
    });
    expect(res.status).toBe(201);
    const { chargeId } = (await res.json()) as { chargeId: string };
    const charge = await fetch(`${sim.url}/psp/v1/charges/${chargeId}`);
    expect(await charge.json()).toMatchObject({ chargeId, status: 'authorized', amountCents: 1200 });
  });

  it('when its faults are set through the admin API, then the running process applies them', async () => {
    await fetch(`${sim.url}/psp/v1/admin/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outage: { active: true } }),
    });
    expect((await fetch(`${sim.url}/psp/v1/charges`)).status).toBe(503);
    await fetch(`${sim.url}/psp/v1/admin/faults`, { method: 'DELETE' });
    expect((await fetch(`${sim.url}/psp/v1/charges`)).status).toBe(200);
  });

  it('when an env var is bad, then it refuses to start with ORDO_ERR_CONFIG_INVALID naming each bad variable', async () => {
    const error = (await runPspSim({ PORT: 'http', PSP_SIM_DATABASE_URL: 'mysql://x' }).catch((e) => e)) as AppError;
    expect(error.code).toBe('ORDO_ERR_CONFIG_INVALID');
    expect(error.message).toMatch(/PORT/);
    expect(error.message).toMatch(/PSP_SIM_DATABASE_URL/);
  });

  it('when a host composes services, then the psp-sim factory fits the service-kit shape', () => {
    expectTypeOf(createPspSimService).toExtend<ServiceFactory<PspSimOptions>>();
    expectTypeOf<ServiceContext>().toExtend<Parameters<typeof createPspSimService>[0]>();
  });
});

// The real PSP simulator (services/psp-sim), started in the test process on a port of its own
// with its own database. Tests steer it only through its HTTP API, as the payment service does.
import { migrate } from '@ordo/db';
import { createHttpApp } from '@ordo/http';
import { silentLogger } from '@ordo/logger';
import { createPspSimService } from '@ordo/psp-sim';
import { createTestPgliteDb } from '@ordo/testing';

export interface PspSim {
  readonly url: string;
  /** `PUT /psp/v1/admin/faults`: the simulator's baseline with these settings. */
  setFaults(settings: Record<string, unknown>): Promise<void>;
  /** `DELETE /psp/v1/admin/faults`. */
  resetFaults(): Promise<void>;
  /** `GET /psp/v1/charges?orderId=`: the order's charges, as the PSP sees them. */
  charges(orderId: string): Promise<SimCharge[]>;
  /** A hold placed directly at the PSP, past Ordo (for reconciliation tests). */
  authorizeDirectly(orderId: string, amountCents: number): Promise<string>;
  close(): Promise<void>;
}

export interface SimCharge {
  chargeId: string;
  orderId: string;
  status: string;
  amountCents: number;
  capturedCents: number;
  refundedCents: number;
  operations: { kind: string; amountCents: number; idempotencyKey: string }[];
}

export async function startPspSim(): Promise<PspSim> {
  const db = await createTestPgliteDb();
  const service = createPspSimService({ db, logger: silentLogger, now: () => new Date() }, { hangMs: 5_000 });
  await migrate(db, service.schema, service.migrations);
  const app = await createHttpApp();
  await app.register(service.routes);
  await service.start();
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const admin = async (method: string, body?: unknown) => {
    const res = await fetch(`${url}/psp/v1/admin/faults`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`psp-sim admin ${method}: ${res.status} ${await res.text()}`);
  };
  return {
    url,
    setFaults: (settings) => admin('PUT', settings),
    resetFaults: () => admin('DELETE'),
    async charges(orderId) {
      const res = await fetch(`${url}/psp/v1/charges?orderId=${encodeURIComponent(orderId)}&limit=50`);
      if (!res.ok) throw new Error(`psp-sim list: ${res.status}`);
      return ((await res.json()) as { charges: SimCharge[] }).charges;
    },
    async authorizeDirectly(orderId, amountCents) {
      const res = await fetch(`${url}/psp/v1/authorizations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `direct:${orderId}` },
        body: JSON.stringify({ orderId, amountCents, currency: 'EUR', cardToken: 'tok_visa' }),
      });
      if (res.status !== 201) throw new Error(`psp-sim authorize: ${res.status}`);
      return ((await res.json()) as { chargeId: string }).chargeId;
    },
    async close() {
      await app.close();
      await service.stop();
      await db.close();
    },
  };
}

// Component test of the reads the payment service's reconciliation job uses: every charge,
// page by page, with its operations, optionally for one order. On PGlite.
import type { Db } from '@ordo/db';
import { createTestPgliteDb } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, authorizedCharge, emptyTables, postWithKey, type SimHarness, startSim } from './psp-sim.harness.js';

let db: Db;
let sim: SimHarness;
const created: string[] = [];

interface ListedCharge {
  chargeId: string;
  orderId: string;
  status: string;
  operations: Array<{ kind: string; idempotencyKey: string }>;
}

async function list(query: string): Promise<{ charges: ListedCharge[]; nextAfter: string | null }> {
  const res = await sim.app.inject({ method: 'GET', url: `/psp/v1/charges${query}` });
  expect(res.statusCode).toBe(200);
  return res.json();
}

beforeAll(async () => {
  db = await createTestPgliteDb();
  sim = await startSim(db);
  await emptyTables(db);
  // Seven charges over two orders; one captured, one declined.
  for (let i = 0; i < 5; i++) {
    sim.clock.advance(1000);
    created.push(await authorizedCharge(sim.app, `k-a-${i}`, { orderId: 'ord_a', amountCents: 100 + i }));
  }
  for (let i = 0; i < 2; i++) {
    sim.clock.advance(1000);
    created.push(await authorizedCharge(sim.app, `k-b-${i}`, { orderId: 'ord_b' }));
  }
  await postWithKey(sim.app, `/psp/v1/charges/${created[0]}/capture`, 'k-cap', { amountCents: 100 });
  const declined = await authorize(sim.app, 'k-declined', { orderId: 'ord_b', cardToken: 'tok_declined' });
  created.push(declined.json().error.details.chargeId);
});
afterAll(async () => {
  await sim?.close();
  await db?.close();
});

describe('psp-sim charge list for reconciliation', () => {
  it('when paged 3 at a time, then every charge appears exactly once, in creation order, and the last page says so', async () => {
    const seen: string[] = [];
    const pages: number[] = [];
    let after: string | null = null;
    do {
      const page = await list(`?limit=3${after ? `&after=${after}` : ''}`);
      pages.push(page.charges.length);
      seen.push(...page.charges.map((c) => c.chargeId));
      after = page.nextAfter;
    } while (after !== null);
    expect(seen).toEqual(created);
    expect(pages).toEqual([3, 3, 2]);
  });

  it('when the page size divides the total, then the cursor leads to one empty last page', async () => {
    const first = await list('?limit=8');
    expect(first.charges).toHaveLength(8);
    expect(first.nextAfter).toBe(created[7]);
    expect(await list(`?limit=8&after=${first.nextAfter}`)).toEqual({ charges: [], nextAfter: null });
  });

  it('when filtered by order, then only that order’s charges come back, with their operations', async () => {
    const { charges, nextAfter } = await list('?orderId=ord_b');
    expect(nextAfter).toBeNull();
    expect(charges.map((c) => [c.orderId, c.status])).toEqual([
      ['ord_b', 'authorized'],
      ['ord_b', 'authorized'],
      ['ord_b', 'declined'],
    ]);
    expect(charges[2]?.operations).toEqual([
      expect.objectContaining({ kind: 'decline', idempotencyKey: 'k-declined' }),
    ]);
    const [captured] = (await list('?orderId=ord_a&limit=1')).charges;
    expect(captured?.operations.map((o) => o.kind)).toEqual(['authorize', 'capture']);
  });

  it('when no limit is given, then a page holds up to 100', async () => {
    expect((await list('')).charges).toHaveLength(8);
  });

  it.each([
    ['?limit=0', '/limit'],
    ['?limit=501', '/limit'],
    ['?limit=ten', '/limit'],
    ['?status=authorized', ''],
  ])('when the query is %s, then 400 ORDO_ERR_HTTP_VALIDATION', async (query, path) => {
    const res = await sim.app.inject({ method: 'GET', url: `/psp/v1/charges${query}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'ORDO_ERR_HTTP_VALIDATION',
      details: { in: 'querystring', issues: [expect.objectContaining({ path })] },
    });
  });
});

// Component test over a real socket: a lost response (the work commits, the connection drops
// without an answer) and a hang that ends when the client gives up, as a payment client sees them.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from '@ordo/db';
import { createTestPgliteDb } from '@ordo/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PspSimOptions } from '../src/index.js';
import { authorizationBody, emptyTables, rowCounts, type SimHarness, startSim } from './psp-sim.harness.js';

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let db: Db;
let sim: SimHarness | undefined;
let baseUrl: string;

beforeAll(async () => {
  db = await createTestPgliteDb();
});
afterAll(() => db?.close());
afterEach(() => sim?.close());

async function listening(options: PspSimOptions = {}): Promise<SimHarness> {
  sim = await startSim(db, options);
  await emptyTables(db);
  await sim.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(sim.app.server.address() as AddressInfo).port}`;
  return sim;
}

/** A POST with node:http, so the test sees the socket error itself, not a wrapped fetch failure. */
function post(path: string, key: string, body: unknown, signal?: AbortSignal): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = httpRequest(
      `${baseUrl}${path}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        signal,
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function chargesOf(orderId: string): Promise<Array<{ chargeId: string; status: string }>> {
  const res = await fetch(`${baseUrl}/psp/v1/charges?orderId=${orderId}`);
  return ((await res.json()) as { charges: Array<{ chargeId: string; status: string }> }).charges;
}

describe('psp-sim lost responses and hangs over HTTP', () => {
  it('when failNext is lost, then the client sees a hang-up, the charge is committed, and a retry with the same key returns it', async () => {
    const s = await listening();
    s.service.simulator.setFaults({ failNext: { count: 1, kind: 'lost' } });

    await expect(
      post('/psp/v1/authorizations', 'k-lost', authorizationBody({ orderId: 'ord_lost' })),
    ).rejects.toMatchObject({
      code: 'ECONNRESET',
      message: 'socket hang up',
    });
    const committed = await chargesOf('ord_lost');
    expect(committed).toEqual([expect.objectContaining({ status: 'authorized' })]);

    const retry = await post('/psp/v1/authorizations', 'k-lost', authorizationBody({ orderId: 'ord_lost' }));
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(JSON.parse(retry.body)).toMatchObject({ chargeId: committed[0]?.chargeId, status: 'authorized' });
    expect(await rowCounts(db)).toEqual({ charges: 1, operations: 1, keys: 1 });
    expect(s.service.simulator.stats()).toMatchObject({ authorizations: 1, replays: 1, faults: { lost: 1 } });
  });

  it('when lostResponseRate draws a loss on a capture, then the capture is committed and its retry answers captured', async () => {
    let draws = 0;
    const s = await listening({ random: () => (draws++ === 1 ? 0 : 0.99), faults: { lostResponseRate: 0.5 } });
    const authorized = await post('/psp/v1/authorizations', 'k-auth', authorizationBody());
    const { chargeId } = JSON.parse(authorized.body);

    await expect(post(`/psp/v1/charges/${chargeId}/capture`, 'k-cap', { amountCents: 2500 })).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
    const after = await fetch(`${baseUrl}/psp/v1/charges/${chargeId}`);
    expect(await after.json()).toMatchObject({ status: 'captured', capturedCents: 2500 });

    const retry = await post(`/psp/v1/charges/${chargeId}/capture`, 'k-cap', { amountCents: 2500 });
    expect(retry.status).toBe(200);
    expect(JSON.parse(retry.body)).toMatchObject({ chargeId, status: 'captured', capturedCents: 2500 });
    expect(s.service.simulator.stats()).toMatchObject({ captures: 1, faults: { lost: 1 } });
  });

  it('when a timeout hang is under way and the client gives up, then the hang ends and nothing is written', async () => {
    let entered!: () => void;
    const hanging = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let hangAborted = false;
    // A sleep that only ends when aborted: the test never depends on how long anything takes.
    const sleep = (_ms: number, signal?: AbortSignal) =>
      new Promise<void>((_resolve, reject) => {
        entered();
        signal?.addEventListener('abort', () => {
          hangAborted = true;
          reject(signal.reason);
        });
      });
    await listening({ sleep, faults: { failNext: { count: 1, kind: 'timeout' } } });

    const client = new AbortController();
    const call = post('/psp/v1/authorizations', 'k-hang', authorizationBody(), client.signal);
    await hanging;
    client.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });

    await expect.poll(() => hangAborted).toBe(true);
    expect(await rowCounts(db)).toEqual({ charges: 0, operations: 0, keys: 0 });
  });

  it('when the server closes during a hang, then the hang ends and the client sees the connection drop', async () => {
    let entered!: () => void;
    const hanging = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const sleep = (_ms: number, signal?: AbortSignal) =>
      new Promise<void>((_resolve, reject) => {
        entered();
        signal?.addEventListener('abort', () => reject(signal.reason));
      });
    const s = await listening({ sleep, faults: { failNext: { count: 1, kind: 'timeout' } } });

    const call = post('/psp/v1/authorizations', 'k-hang', authorizationBody());
    await hanging;
    await s.app.close();
    await expect(call).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});

// The PSP client against the real simulator: retries of transient failures under one key, no
// retry of a decline, and a circuit breaker that fails fast once the PSP keeps failing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PspClient, type PspClientOptions, PspUnavailableError } from '../src/index.js';
import { type PspSim, startPspSim } from './support/psp-sim.server.js';

describe('PspClient', () => {
  let psp: PspSim;
  const options = (url: string): PspClientOptions => ({
    baseUrl: url,
    callTimeoutMs: 500,
    maxTries: 3,
    retryInitialDelayMs: 5,
    retryMaxDelayMs: 20,
    breakerThreshold: 4,
    breakerHalfOpenAfterMs: 100,
  });
  const request = (orderId: string, cardToken = 'tok_visa') => ({
    orderId,
    amountCents: 700,
    currency: 'EUR',
    cardToken,
  });

  beforeAll(async () => {
    psp = await startPspSim();
  });
  afterAll(() => psp.close());
  beforeEach(() => psp.resetFaults());

  it('when the PSP answers 503 twice, then the third try under the same key succeeds and there is one charge', async () => {
    const client = new PspClient(options(psp.url));
    await psp.setFaults({ failNext: { count: 2, kind: '5xx' } });
    const tries: number[] = [];
    const answer = await client.authorize('key-503', request('o-503'), (t) => void tries.push(t.httpStatus ?? 0));
    expect(answer.ok).toBe(true);
    expect(tries).toEqual([503, 503, 201]);
    expect(await psp.charges('o-503')).toHaveLength(1);
  });

  it('when the card is declined, then the 402 is an answer: not retried, not a failure', async () => {
    const client = new PspClient(options(psp.url));
    let tries = 0;
    const answer = await client.authorize('key-402', request('o-402', 'tok_declined'), () => void tries++);
    expect(answer).toMatchObject({ ok: false, status: 402, code: 'ORDO_ERR_PSP_CARD_DECLINED' });
    expect(tries).toBe(1);
    expect(client.circuitOpen).toBe(false);
  });

  it('when the PSP hangs, then each try times out and the failure says the PSP may have acted', async () => {
    const client = new PspClient({ ...options(psp.url), callTimeoutMs: 100, maxTries: 2 });
    await psp.setFaults({ failNext: { count: 2, kind: 'timeout' } });
    const error = await client.authorize('key-hang', request('o-hang')).catch((e) => e);
    expect(error).toBeInstanceOf(PspUnavailableError);
    expect(error).toMatchObject({ failure: 'timeout', uncertain: true, code: 'ORDO_ERR_PAYMENT_PSP_UNAVAILABLE' });
  });

  it('when failures keep coming, then the breaker opens and calls fail fast without reaching the PSP', async () => {
    const client = new PspClient(options(psp.url));
    await psp.setFaults({ outage: { active: true } });
    await client.authorize('key-b1', request('o-b1')).catch(() => {});
    const error = await client.authorize('key-b2', request('o-b2')).catch((e) => e);
    expect(client.circuitOpen).toBe(true);
    expect(error).toMatchObject({ failure: 'circuit_open' });
    const tries: string[] = [];
    await client.authorize('key-b3', request('o-b3'), (t) => void tries.push(t.outcome)).catch(() => {});
    expect(tries).toEqual(['circuit_open']);

    await psp.resetFaults();
    await new Promise((r) => setTimeout(r, 150));
    expect((await client.authorize('key-b4', request('o-b4'))).ok).toBe(true);
    expect(client.circuitOpen).toBe(false);
  });
});

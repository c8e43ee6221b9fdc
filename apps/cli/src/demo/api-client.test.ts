import { describe, expect, it, vi } from 'vitest';
import { ApiError, createApiClient, DEMO_USER_AGENT } from './api-client.js';

interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
  userAgent: string | undefined;
}

/** A stand-in for the API: answers logins with numbered tokens and everything else with `answer`. */
function fakeApi(answer: (seen: Seen, call: number) => { status: number; body?: unknown }) {
  const seen: Seen[] = [];
  let logins = 0;
  const fetchFake = (async (url: string | URL | Request, init?: RequestInit) => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const entry = {
      method: init?.method ?? 'GET',
      path: new URL(String(url)).pathname,
      authorization: headers.authorization,
      userAgent: headers['user-agent'],
    };
    seen.push(entry);
    if (entry.path === '/v1/auth/login') {
      logins++;
      return Response.json({ accessToken: `token-${logins}`, expiresIn: 900, tokenType: 'Bearer' });
    }
    const { status, body } = answer(entry, seen.length);
    return new Response(body === undefined ? null : JSON.stringify(body), { status });
  }) as typeof fetch;
  return { seen, fetch: fetchFake };
}

const base = { baseUrl: 'http://api.test', email: 'a@demo.ordo.dev', password: 'pw' };

describe('createApiClient', () => {
  it('when it calls the API, then it logs in once and sends the token and the synthetic user agent', async () => {
    const api = fakeApi(() => ({ status: 200, body: { ok: true } }));
    const client = createApiClient({ ...base, signal: new AbortController().signal, fetch: api.fetch });
    await expect(client.get('/v1/me')).resolves.toEqual({ ok: true });
    await client.post('/v1/orders', { x: 1 });
    expect(api.seen.map((s) => `${s.method} ${s.path} ${s.authorization ?? '-'}`)).toEqual([
      'POST /v1/auth/login -',
      'GET /v1/me Bearer token-1',
      'POST /v1/orders Bearer token-1',
    ]);
    expect(api.seen.every((s) => s.userAgent === DEMO_USER_AGENT)).toBe(true);
  });

  it('when the token is about to expire, then it logs in again before the next call', async () => {
    let now = 0;
    const api = fakeApi(() => ({ status: 200, body: {} }));
    const client = createApiClient({ ...base, signal: new AbortController().signal, fetch: api.fetch, now: () => now });
    await client.get('/v1/me');
    now = 850_000; // 900 s lifetime, renewed a minute early
    await client.get('/v1/me');
    expect(api.seen.filter((s) => s.path === '/v1/auth/login')).toHaveLength(2);
    expect(api.seen.at(-1)?.authorization).toBe('Bearer token-2');
  });

  it('when a call is answered 401, then it logs in again and retries once', async () => {
    const api = fakeApi((seen) =>
      seen.authorization === 'Bearer token-1' ? { status: 401 } : { status: 200, body: 1 },
    );
    const client = createApiClient({ ...base, signal: new AbortController().signal, fetch: api.fetch });
    await expect(client.get('/v1/courier/jobs')).resolves.toBe(1);
  });

  it('when the API refuses, then an ApiError carries the status and the stable code', async () => {
    const api = fakeApi(() => ({ status: 409, body: { error: { code: 'ORDO_ERR_X', message: 'no' } } }));
    const client = createApiClient({ ...base, signal: new AbortController().signal, fetch: api.fetch });
    const error = await client.post('/v1/courier/deliveries/d1/accept').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 'ORDO_ERR_X', request: 'POST /v1/courier/deliveries/d1/accept' });
  });

  it('when the body is not Ordo JSON, then the ApiError has no code', async () => {
    const api = fakeApi(() => ({ status: 502, body: undefined }));
    const client = createApiClient({ ...base, signal: new AbortController().signal, fetch: api.fetch });
    await expect(client.get('/v1/me')).rejects.toMatchObject({ status: 502, code: undefined });
  });

  it('when the simulator stops during a request, or the API does not answer in time, then the request is abandoned', async () => {
    const seenSignals: AbortSignal[] = [];
    const hanging = (async (_url: string | URL | Request, init?: RequestInit) => {
      if (String(_url).endsWith('/v1/auth/login')) return Response.json({ accessToken: 't', expiresIn: 900 });
      const signal = init!.signal!;
      seenSignals.push(signal);
      return new Promise<Response>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    }) as typeof fetch;

    const stopping = new AbortController();
    const client = createApiClient({ ...base, signal: stopping.signal, fetch: hanging });
    const call = client.get('/v1/courier/jobs');
    await vi.waitFor(() => expect(seenSignals).toHaveLength(1));
    stopping.abort();
    await expect(call).rejects.toThrow();

    const impatient = createApiClient({
      ...base,
      signal: new AbortController().signal,
      fetch: hanging,
      requestTimeoutMs: 1,
    });
    await expect(impatient.get('/v1/courier/jobs')).rejects.toThrow(/no answer within 1 ms/);
  });
});

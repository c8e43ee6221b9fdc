// The hostile-input fuzz (issue 9): every operation of the API document the embedded host serves,
// with hostile strings and shapes (NUL, lone surrogates, bidi overrides, 10,000-character ids, SQL
// and template metacharacters, huge numbers, arrays and nested objects where text belongs) in each
// path parameter, each query parameter and each body field in turn, the rest of the request valid,
// sent with the token of a role the route serves, so each request gets as far as it can. No
// request may answer 5xx. Routes come from the document, so a new route is fuzzed when it exists.
import type { OpenApiDocument, OpenApiOperation, OpenApiParameter } from '@ordo/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eEnv, type Role, startShape } from '../e2e/support/shapes.js';
import {
  type Components,
  fieldPaths,
  HOSTILE_VALUES,
  type KnownValues,
  sampled,
  sampleOf,
  urlText,
  withValue,
} from './support/hostile-values.js';

interface FuzzRequest {
  readonly route: string;
  readonly where: string;
  readonly method: string;
  readonly url: string;
  readonly role: Role | undefined;
  readonly body?: unknown;
}

const SOME_ID = '01900000-0000-7000-8000-000000000000';
// Requests in flight at once: enough to keep the host busy, few enough for a 2-core box.
const CONCURRENCY = 8;

function operationsOf(document: OpenApiDocument) {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]: [string, OpenApiOperation]) => ({
      path,
      method: method.toUpperCase(),
      op,
    })),
  );
}

describe('hostile input on every route of the embedded host', () => {
  let e2e: E2eEnv;
  let document: OpenApiDocument;
  const tokens = new Map<Role, string>();
  let known: KnownValues;

  beforeAll(async () => {
    e2e = await startShape('embedded');
    document = (await (await fetch(`${e2e.url}/docs/openapi.json`)).json()) as OpenApiDocument;
    for (const role of ['customer', 'courier', 'restaurant', 'operator'] as const) {
      tokens.set(role, (await e2e.loginAs(role)).token);
    }
    // Real objects where a body names one, so the unfuzzed fields pass the handlers' own checks.
    const restaurantId = e2e.accounts.find((a) => a.role === 'restaurant')?.restaurantId ?? SOME_ID;
    const menu = (await (await fetch(`${e2e.url}/v1/restaurants/${restaurantId}/menu`)).json()) as {
      items: Array<{ id: string }>;
    };
    const menuItemId = menu.items[0]?.id ?? SOME_ID;
    known = { email: 'fuzz@example.com', restaurantId, menuItemId, id: menuItemId, at: new Date().toISOString() };
  });

  afterAll(async () => {
    await e2e?.close();
  });

  /** Every request of the fuzz, in document order. */
  function requestsOf(): FuzzRequest[] {
    const components = (document.components?.schemas ?? {}) as Components;
    const restaurantId = e2e.accounts.find((a) => a.role === 'restaurant')?.restaurantId ?? SOME_ID;
    const requests: FuzzRequest[] = [];
    for (const { path, method, op } of operationsOf(document)) {
      const route = `${method} ${path}`;
      const role = op['x-roles']?.[0] as Role | undefined;
      const parameters = (op.parameters ?? []) as OpenApiParameter[];
      const pathParams = parameters.filter((p) => p.in === 'path');
      const queryParams = parameters.filter((p) => p.in === 'query');
      const baseParams = Object.fromEntries(
        pathParams.map((p) => [p.name, path.startsWith('/v1/restaurants/') ? restaurantId : SOME_ID]),
      );
      const urlWith = (params: Record<string, string>, query = '') =>
        path.replace(/\{([^}]+)\}/g, (_, name: string) => params[name] ?? SOME_ID) + (query ? `?${query}` : '');
      const bodySchema = op.requestBody?.content['application/json']?.schema;
      const baseBody = bodySchema ? sampleOf(bodySchema, components, known) : undefined;
      const base = { route, method, role };
      const baseUrl = urlWith(baseParams);

      requests.push({ ...base, where: 'valid', url: baseUrl, body: baseBody });
      for (const [valueIndex, { label, value }] of HOSTILE_VALUES.entries()) {
        for (const p of pathParams) {
          requests.push({
            ...base,
            where: `path ${p.name}: ${label}`,
            url: urlWith({ ...baseParams, [p.name]: urlText(value) }),
            body: baseBody,
          });
        }
        for (const p of queryParams) {
          const name = encodeURIComponent(p.name);
          const query = Array.isArray(value)
            ? value.map((v) => `${name}=${urlText(v)}`).join('&')
            : value !== null && typeof value === 'object'
              ? `${name}[a][b]=c&${name}=${urlText(value)}`
              : `${name}=${urlText(value)}`;
          requests.push({
            ...base,
            where: `query ${p.name}: ${label}`,
            url: urlWith(baseParams, query),
            body: baseBody,
          });
        }
        if (baseBody === undefined) continue;
        requests.push({ ...base, where: `body: ${label}`, url: baseUrl, body: value });
        for (const [fieldIndex, field] of fieldPaths(baseBody).entries()) {
          if (!sampled(valueIndex, fieldIndex)) continue;
          requests.push({
            ...base,
            where: `body /${field.join('/')}: ${label}`,
            url: baseUrl,
            body: withValue(baseBody, field, value),
          });
        }
      }
    }
    return requests;
  }

  async function send(request: FuzzRequest): Promise<{ status: number; text: string }> {
    const token = request.role ? tokens.get(request.role) : undefined;
    const hasBody = request.body !== undefined && request.method !== 'GET';
    const res = await fetch(`${e2e.url}${request.url}`, {
      method: request.method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
      },
      body: hasBody ? JSON.stringify(request.body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    // An event stream stays open: its status is the answer.
    if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
      await res.body?.cancel();
      return { status: res.status, text: '' };
    }
    return { status: res.status, text: await res.text() };
  }

  it('when every path, query and body field of every route carries hostile input, then no request answers 5xx', async () => {
    const requests = requestsOf();
    const routes = new Set(requests.map((r) => r.route));
    expect(routes.size).toBeGreaterThan(30);

    const failures: string[] = [];
    const byStatus = new Map<number, number>();
    // How many routes accepted their unfuzzed request: the fuzz of those reaches their handlers.
    let reachedHandler = 0;
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const request = requests[next++] as FuzzRequest;
        const { status, text } = await send(request);
        byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
        if (request.where === 'valid' && status < 400) reachedHandler += 1;
        if (status >= 500) failures.push(`${request.route} ${request.where} → ${status} ${text.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    const statuses = [...byStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
    console.info(
      `hostile input: ${requests.length} requests over ${routes.size} routes ` +
        `(${reachedHandler} accepted their unfuzzed request); ${failures.length} 5xx; ${statuses.join(' ')}`,
    );
    expect(failures).toEqual([]);
  }, 240_000); // about 1,400 requests: more than the default minute on a busy 2-core box

  it('when a list endpoint is asked for more than its maximum page, then 400: every `limit` is bounded', async () => {
    const lists = operationsOf(document).flatMap(({ path, method, op }) =>
      ((op.parameters ?? []) as OpenApiParameter[])
        .filter((p) => p.in === 'query' && p.name === 'limit')
        .map((p) => ({ path, method, role: op['x-roles']?.[0] as Role | undefined, maximum: p.schema.maximum })),
    );
    expect(lists.length).toBeGreaterThanOrEqual(5);
    for (const list of lists) {
      expect(list.maximum, `${list.path} caps limit`).toEqual(expect.any(Number));
      expect(list.maximum as number).toBeLessThanOrEqual(1_000);
      const url = `${list.path.replace(/\{[^}]+\}/g, SOME_ID)}?limit=${(list.maximum as number) + 1}`;
      const res = await send({ route: list.path, where: 'limit', method: list.method, url, role: list.role });
      expect(res.status, `${list.path}?limit=max+1`).toBe(400);
      expect(JSON.parse(res.text).error.code).toBe('ORDO_ERR_HTTP_VALIDATION');
    }
  });
});

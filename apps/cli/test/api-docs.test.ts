// The API docs of the embedded host: served at /docs, equal to the committed docs/api/openapi.json,
// covering every route the host registers, and true to what the routes answer. Real PGlite in a
// temp dir, a real socket on port 0.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostConfig } from '@ordo/config';
import type { JsonSchema, OpenApiDocument, OpenApiOperation } from '@ordo/http';
import { silentLogger } from '@ordo/logger';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_DOCUMENT_FILE, apiDocumentFile } from '../src/host/api-document.js';
import { type RunningHost, startHost } from '../src/host/start-host.js';

// Routes of the host itself, not of the API.
const INFRASTRUCTURE = new Set(['/healthz', '/readyz', '/metrics', '/docs', '/docs/openapi.json']);

/** Every method and path the app serves, from Fastify's own route tree (HEAD routes left out). */
function registeredRoutes(app: FastifyInstance): string[] {
  const routes: string[] = [];
  const segments: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    segments.length = (match[1] ?? '').length / 4;
    segments.push(match[2] ?? '');
    for (const method of match[3]?.split(', ') ?? []) {
      if (method !== 'HEAD') routes.push(`${method} ${segments.join('')}`);
    }
  }
  return routes;
}

function documentedOperations(
  document: OpenApiDocument,
): Array<{ method: string; path: string; op: OpenApiOperation }> {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
}

// The documented schemas let responses grow; here every object is closed, so a field a route
// sends but the docs do not name fails the test as surely as a missing one.
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, closed(value)])) as JsonSchema;
  if (copy.type === 'object' && copy.properties !== undefined && copy.additionalProperties === undefined) {
    copy.additionalProperties = false;
  }
  return copy;
}

describe('API docs on the embedded host', () => {
  let root: string;
  let host: RunningHost;
  let document: OpenApiDocument;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ordo-api-docs-'));
    const config = hostConfig({ port: 0, host: '127.0.0.1', dataDir: root, logLevel: 'silent', demo: false });
    host = await startHost({ config, logger: silentLogger });
    document = (await (await fetch(`${host.url}/docs/openapi.json`)).json()) as OpenApiDocument;
  });

  afterAll(async () => {
    await host?.close();
    await rm(root, { recursive: true, force: true });
  });

  async function login(role: 'customer' | 'operator' | 'courier' | 'restaurant'): Promise<string> {
    const account = host.demo!.accounts.find((a) => a.role === role)!;
    const res = await fetch(`${host.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: account.email, password: account.password }),
    });
    return ((await res.json()) as { accessToken: string }).accessToken;
  }

  interface Call {
    params?: Record<string, string>;
    query?: string;
    token?: string;
    body?: unknown;
  }

  /** Calls the operation at `template` and checks the answer against its documented response. */
  async function call(method: string, template: string, options: Call = {}) {
    const path = template.replace(/\{([^}]+)\}/g, (_, name: string) =>
      encodeURIComponent(options.params?.[name] ?? ''),
    );
    const res = await fetch(`${host.url}${path}${options.query ? `?${options.query}` : ''}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const body: unknown = await res.json();
    const operation = document.paths[template]?.[method.toLowerCase()];
    const schema = operation?.responses[String(res.status)]?.content?.['application/json'].schema;
    expect(schema, `${method} ${template} ${res.status} is documented with a body`).toBeDefined();
    const validate = ajv.compile({ ...(closed(schema) as JsonSchema), components: closed(document.components) });
    const errors = validate(body) ? [] : validate.errors;
    expect(errors, `${method} ${path} ${res.status}: ${JSON.stringify(body)}`).toEqual([]);
    return { status: res.status, body: body as Record<string, unknown> };
  }

  it('when GET /docs/openapi.json, then it is the committed docs/api/openapi.json (run `npm run docs:api` after an API change)', async () => {
    expect(document.openapi).toBe('3.1.0');
    const committed = await readFile(API_DOCUMENT_FILE, 'utf8').catch(() => '(missing)');
    expect(committed, 'docs/api/openapi.json is stale: run `npm run docs:api`').toBe(apiDocumentFile(document));
  });

  it('when GET /docs without a token, then a self-contained page lists every operation', async () => {
    const res = await fetch(`${host.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await res.text();
    expect(page).toContain('Ordo API');
    for (const { path } of documentedOperations(document)) expect(page).toContain(path);
    expect(page).not.toMatch(/<script|<link|https?:\/\//);
  });

  it('when the host has registered its routes, then each one is documented and each documented one exists', () => {
    const api = registeredRoutes(host.app).filter((route) => !INFRASTRUCTURE.has(route.split(' ')[1] ?? ''));
    const documented = documentedOperations(document).map(({ method, path }) => `${method} ${path}`);
    expect(api.filter((route) => route.includes(' /v1/')).length).toBeGreaterThan(20);
    expect(new Set(api.map((route) => route.replace(/:([A-Za-z0-9_]+)/g, '{$1}')))).toEqual(new Set(documented));
  });

  it('when an operation is called without a token, then it answers 401 exactly when the docs name roles', async () => {
    const outcomes = await Promise.all(
      documentedOperations(document).map(async ({ method, path, op }) => {
        const res = await fetch(`${host.url}${path.replace(/\{[^}]+\}/g, 'x')}`, {
          method,
          ...(op.requestBody ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
        });
        await res.arrayBuffer();
        return { route: `${method} ${path}`, protected: res.status === 401 };
      }),
    );
    const expected = documentedOperations(document).map(({ method, path, op }) => ({
      route: `${method} ${path}`,
      protected: op['x-roles'] !== undefined,
    }));
    expect(outcomes).toEqual(expected);
  });

  it('when customers, staff, couriers and operators use the API, then each answer matches its documented schema', async () => {
    const customer = await login('customer');
    const { body: listing } = await call('GET', '/v1/restaurants');
    const restaurantId = (listing.restaurants as Array<{ id: string }>)[0]!.id;
    const { body: menu } = await call('GET', '/v1/restaurants/{id}/menu', { params: { id: restaurantId } });
    const item = (menu.items as Array<{ id: string }>)[0]!;
    const placed = await call('POST', '/v1/orders', {
      token: customer,
      body: {
        restaurantId,
        items: [{ menuItemId: item.id, quantity: 2 }],
        deliveryAddress: { lat: 38.72, lng: -9.14, line1: 'Rua Augusta 1' },
        paymentToken: 'tok_visa',
      },
    });
    expect(placed.status).toBe(202);
    const orderId = String(placed.body.id);
    expect((await call('GET', '/v1/orders/{id}', { token: customer, params: { id: orderId } })).status).toBe(200);
    await call('GET', '/v1/orders', { token: customer, query: 'limit=5' });
    await call('GET', '/v1/me', { token: customer });
    // Errors answer the documented error body.
    expect((await call('GET', '/v1/orders/{id}', { token: customer, params: { id: 'none' } })).status).toBe(404);
    expect((await call('GET', '/v1/orders', { token: customer, query: 'limit=0' })).status).toBe(400);

    const staff = await login('restaurant');
    await call('GET', '/v1/restaurant/tickets', { token: staff });
    await call('PUT', '/v1/restaurants/{id}/availability', {
      token: staff,
      params: { id: String(host.demo!.accounts.find((a) => a.role === 'restaurant')?.restaurantId) },
      body: { items: [] },
    });

    const courier = await login('courier');
    await call('GET', '/v1/courier/jobs', { token: courier });
    await call('POST', '/v1/courier/position', { token: courier, body: { lat: 38.71, lng: -9.13 } });
    await call('PUT', '/v1/courier/availability', { token: courier, body: { available: true } });

    const operator = await login('operator');
    const { body: sagas } = await call('GET', '/v1/ops/sagas', { token: operator });
    const sagaId = (sagas.sagas as Array<{ id: string }>)[0]?.id;
    expect(sagaId).toBeDefined();
    await call('GET', '/v1/ops/sagas/{id}', { token: operator, params: { id: String(sagaId) } });
    await call('GET', '/v1/couriers', { token: operator });
    await call('GET', '/v1/ops/payments', { token: operator });
    await call('GET', '/.well-known/jwks.json');
  });
});

// The route × role × object matrix (issue 9): every operation of the API document the embedded
// host serves, called by every role and anonymously, on an object the caller owns and on another's.
// What each call may do comes from the declared access (`x-roles`, the same rule the routes register
// with) and the object's owner; no refused call may answer 2xx, and every refusal is the documented
// one (401 without a token, 403 for a role the route does not serve, 404 for another's object).
// Routes come from the host's own route table, so a new route is in the matrix as soon as it is
// registered, and fails it until it has a sample in support/route-samples.ts.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { RouteAccess } from '@ordo/auth';
import type { OpenApiDocument, OpenApiOperation } from '@ordo/http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eEnv, startShape } from '../e2e/support/shapes.js';
import { buildMatrixWorld, foreignIds, type MatrixWorld, PRINCIPALS, type Principal } from './support/matrix-world.js';
import { FORBIDDEN_KEYS, ROUTE_SAMPLES, type RouteSample } from './support/route-samples.js';

// Routes of the host itself (probes, metrics, the docs), not of the API.
const INFRASTRUCTURE = new Set(['/healthz', '/readyz', '/metrics', '/docs', '/docs/openapi.json']);

interface RegisteredRoute {
  readonly route: string;
  readonly access: RouteAccess | undefined;
}

interface Operation {
  readonly route: string;
  readonly method: string;
  readonly path: string;
  readonly roles: readonly string[] | undefined;
  readonly hasBody: boolean;
  readonly sample: RouteSample | undefined;
}

type Expected = 'allowed' | 401 | 403 | 404;
interface Call {
  readonly operation: Operation;
  readonly principal: Principal;
  readonly ownership: 'own' | 'foreign' | 'none';
  readonly expected: Expected;
}

// Every Fastify instance made while the host starts reports its routes here (Fastify publishes
// each new instance on this channel before any route exists).
const routesByApp = new Map<FastifyInstance, RegisteredRoute[]>();
const onInstance = (message: unknown) => {
  const { fastify } = message as { fastify: FastifyInstance };
  const routes: RegisteredRoute[] = [];
  routesByApp.set(fastify, routes);
  fastify.addHook('onRoute', (options) => {
    for (const method of [options.method].flat()) {
      if (method !== 'HEAD') routes.push({ route: `${method} ${options.url}`, access: options.config?.access });
    }
  });
};

const template = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function expectedFor(operation: Operation, principal: Principal, ownership: Call['ownership']): Expected {
  const { roles, sample } = operation;
  if (roles === undefined) return 'allowed';
  if (principal === 'anonymous') return 401;
  if (!roles.includes(principal)) return 403;
  if (ownership === 'foreign' && sample?.ownedBy?.includes(principal)) return 404;
  return 'allowed';
}

describe('route × role × object matrix on the embedded host', () => {
  let e2e: E2eEnv;
  let world: MatrixWorld;
  let operations: Operation[];
  let registered: RegisteredRoute[];
  let unique = 0;

  beforeAll(async () => {
    subscribe('fastify.initialization', onInstance);
    try {
      e2e = await startShape('embedded');
    } finally {
      unsubscribe('fastify.initialization', onInstance);
    }
    registered = routesByApp.get(e2e.host!.app) ?? [];
    const document = (await (await fetch(`${e2e.url}/docs/openapi.json`)).json()) as OpenApiDocument;
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]: [string, OpenApiOperation]) => {
        const route = `${method.toUpperCase()} ${path}`;
        return {
          route,
          method: method.toUpperCase(),
          path,
          roles: op['x-roles'],
          hasBody: op.requestBody !== undefined,
          sample: ROUTE_SAMPLES[route],
        };
      }),
    );
    world = await buildMatrixWorld(e2e);
    // A ceiling, not a timing: starting the host and confirming two orders takes ~40 s on an idle 2-core box.
  }, 240_000);

  afterAll(async () => {
    await e2e?.close();
  });

  async function send(call: Call, body?: unknown) {
    const { operation, principal, ownership } = call;
    const sample = operation.sample ?? {};
    const objects = ownership === 'foreign' ? world.foreign : world.own;
    const objectId = sample.object ? objects[sample.object] : '';
    const path = operation.path.replace(/\{[^}]+\}/g, encodeURIComponent(objectId));
    const payload =
      body ??
      (await sample.body?.({
        objectId,
        unique: `${Date.now()}.${++unique}`,
        menu: world.menu,
        login: world.login,
        freshRefreshToken: async () => {
          const res = await fetch(`${e2e.url}/v1/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(world.spareLogin),
          });
          return ((await res.json()) as { refreshToken: string }).refreshToken;
        },
      }));
    const res = await fetch(`${e2e.url}${path}${sample.query ? `?${sample.query}` : ''}`, {
      method: operation.method,
      headers: {
        ...(principal === 'anonymous' ? {} : { authorization: `Bearer ${world.tokens[principal]}` }),
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    // An event stream stays open: its status and headers are the answer.
    const streaming = res.headers.get('content-type')?.startsWith('text/event-stream');
    if (streaming) await res.body?.cancel();
    const text = streaming ? '' : await res.text();
    return { status: res.status, text };
  }

  it('when the host has registered its routes, then each API route is in the matrix, with a sample and its declared access', () => {
    const api = registered.filter(({ route }) => !INFRASTRUCTURE.has(route.split(' ')[1] ?? ''));
    expect(api.length).toBeGreaterThan(30);
    expect(new Set(api.map(({ route }) => template(route)))).toEqual(new Set(operations.map((op) => op.route)));
    for (const { route, access } of api) {
      const op = operations.find((o) => o.route === template(route));
      const declared = access && 'roles' in access ? [...access.roles].sort() : undefined;
      expect(access, `${route} declares its access`).toBeDefined();
      expect(declared, `${route}: declared roles = documented roles`).toEqual(op?.roles && [...op.roles].sort());
    }
    const missing = operations
      .filter((op) => !op.sample || (op.hasBody && !op.sample.body) || (op.path.includes('{') && !op.sample.object))
      .map((op) => op.route);
    expect(missing, 'add these to test/security/support/route-samples.ts').toEqual([]);
    const stale = Object.keys(ROUTE_SAMPLES).filter((route) => !operations.some((op) => op.route === route));
    expect(stale, 'samples of routes that no longer exist').toEqual([]);
  });

  it('when every role calls every route on its own and on another’s object, then no refused call answers 2xx and each refusal is the documented one', async () => {
    const calls: Call[] = operations.flatMap((operation) =>
      PRINCIPALS.flatMap((principal) =>
        (operation.sample?.object ? (['own', 'foreign'] as const) : (['none'] as const)).map((ownership) => ({
          operation,
          principal,
          ownership,
          expected: expectedFor(operation, principal, ownership),
        })),
      ),
    );
    // State changes the rules allow come last (the last of them last): every other call meets the
    // objects as they were set up.
    const rank = (c: Call) =>
      c.expected === 'allowed' && c.operation.sample?.mutates ? (c.operation.sample.last ? 2 : 1) : 0;
    const ordered = [...calls].sort((x, y) => rank(x) - rank(y));

    const failures: string[] = [];
    let unauthorized2xx = 0;
    for (const call of ordered) {
      const { status, text } = await send(call);
      const label = `${call.principal} ${call.operation.route} (${call.ownership}) → ${status}`;
      if (call.expected === 'allowed') {
        if ([401, 403, 404].includes(status) || status >= 500)
          failures.push(`${label}, expected to be allowed: ${text}`);
        const leaked = status < 300 ? foreignIds(world, call.principal).filter((id) => text.includes(id)) : [];
        if (leaked.length > 0) failures.push(`${label} shows another's objects: ${leaked.join(', ')}`);
      } else {
        if (status >= 200 && status < 300) unauthorized2xx += 1;
        if (status !== call.expected) failures.push(`${label}, expected ${call.expected}: ${text.slice(0, 200)}`);
      }
    }
    const refused = calls.filter((c) => c.expected !== 'allowed').length;
    console.info(
      `route matrix: ${calls.length} calls over ${operations.length} routes × ${PRINCIPALS.length} principals ` +
        `(${refused} to be refused), ${unauthorized2xx} unauthorized 2xx`,
    );
    expect(failures).toEqual([]);
    expect(unauthorized2xx).toBe(0);
  });

  it('when a body carries a status, price, amount, role or courier it does not take, then 400', async () => {
    let sent = 0;
    const failures: string[] = [];
    const writes = operations.filter(
      (op) => (op.hasBody || ['POST', 'PUT', 'PATCH'].includes(op.method)) && !op.sample?.bodyUnchecked,
    );
    for (const operation of writes) {
      const principal: Principal = (operation.roles?.[0] as Principal | undefined) ?? 'anonymous';
      const call: Call = { operation, principal, ownership: 'own', expected: 'allowed' };
      for (const body of await taintedBodies(operation)) {
        sent += 1;
        const { status, text } = await send(call, body);
        if (status !== 400) failures.push(`${operation.route} with ${JSON.stringify(body)} → ${status}: ${text}`);
      }
    }
    const unchecked = operations.filter((op) => op.sample?.bodyUnchecked).map((op) => op.route);
    console.info(`route matrix: ${sent} bodies with keys no client may set; not checked: ${unchecked.join(', ')}`);
    expect(failures).toEqual([]);
  });

  it('when a customer places an order, then its total is priced from the menu', async () => {
    const order = await fetch(`${e2e.url}/v1/orders/${world.own.order}`, {
      headers: { authorization: `Bearer ${world.tokens.operator}` },
    });
    const view = (await order.json()) as { totalCents: number; lines: Array<{ quantity: number }> };
    expect(view.lines).toHaveLength(1);
    expect(view.totalCents).toBe(world.menu.priceCents * (view.lines[0]?.quantity ?? 0));
  });

  /** The operation's valid body with one forbidden key added to one of its objects, for each. */
  async function taintedBodies(operation: Operation): Promise<unknown[]> {
    const base = await operation.sample?.body?.({
      objectId: world.own.delivery,
      unique: `${Date.now()}.${++unique}`,
      menu: world.menu,
      login: world.login,
      freshRefreshToken: async () => 'not-a-real-refresh-token',
    });
    const variants: unknown[] = [];
    const visit = (value: unknown, rebuild: (replacement: unknown) => unknown) => {
      if (Array.isArray(value)) {
        if (value.length > 0) visit(value[0], (first) => rebuild([first, ...value.slice(1)]));
        return;
      }
      if (value === null || typeof value !== 'object') return;
      const record = value as Record<string, unknown>;
      for (const key of FORBIDDEN_KEYS.filter((k) => !(k in record))) {
        variants.push(rebuild({ ...record, [key]: key === 'role' ? 'operator' : 1 }));
      }
      for (const [key, child] of Object.entries(record)) {
        visit(child, (replacement) => rebuild({ ...record, [key]: replacement }));
      }
    };
    // A route that takes no body must not take one with these keys either.
    visit(base ?? {}, (replacement) => replacement);
    return variants;
  }
});

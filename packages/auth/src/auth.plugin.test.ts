import { createHttpApp } from '@ordo/http';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { allow, allowAnonymous, allowAnyRole, authPlugin } from './auth.plugin.js';
import { requireUser } from './authenticate.hook.js';
import { EphemeralKeyStore } from './ephemeral.key-store.js';
import { LocalKeysVerifier } from './local-keys.verifier.js';
import { type Role, Role as Roles } from './role.js';
import { routeAuth } from './route-auth.js';
import { TokenIssuer } from './token-issuer.js';

const ISS = 'urn:ordo:gateway';
const AUD = 'urn:ordo:api';

let app: FastifyInstance | undefined;
afterEach(() => app?.close());

const keys = new EphemeralKeyStore();
const issuer = new TokenIssuer({ keys, issuer: ISS, audience: AUD });
const bearer = async (role: Role) => `Bearer ${(await issuer.issue({ userId: `user-${role}`, role })).accessToken}`;

async function service(): Promise<FastifyInstance> {
  app = await createHttpApp();
  let handled = 0;
  await app.register(async (scope) => {
    await scope.register(authPlugin, { verifier: new LocalKeysVerifier({ keys, issuer: ISS, audience: AUD }) });
    scope.get('/public', { config: allowAnonymous() }, async (request) => ({ user: request.user }));
    scope.get('/me', { config: allowAnyRole() }, async (request) => requireUser(request));
    scope.post(
      '/ops',
      {
        config: allow(Roles.Operator),
        schema: { body: { type: 'object', required: ['n'], properties: { n: { type: 'number' } } } },
      },
      async () => ({ handled: ++handled }),
    );
  });
  return app;
}

describe('authPlugin', () => {
  it('when a route allows anyone, then it answers without a token and request.user is null', async () => {
    const res = await (await service()).inject({ method: 'GET', url: '/public' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ user: null });
  });

  it('when a valid token of any role calls an any-role route, then request.user is its id and role', async () => {
    const res = await (await service()).inject({
      method: 'GET',
      url: '/me',
      headers: { authorization: await bearer(Roles.Courier) },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: 'user-courier', role: 'courier' });
  });

  it('when no token is sent, then 401 ORDO_ERR_AUTH_UNAUTHENTICATED with a Bearer challenge, also for HEAD', async () => {
    const instance = await service();
    const res = await instance.inject({ method: 'GET', url: '/me' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toEqual({
      error: {
        code: 'ORDO_ERR_AUTH_UNAUTHENTICATED',
        message: 'A valid access token is required (Authorization: Bearer <token>)',
        details: { reason: 'missing' },
      },
    });
    expect((await instance.inject({ method: 'HEAD', url: '/me' })).statusCode).toBe(401);
  });

  it('when the header is not a Bearer token, or the token is garbage, then 401 invalid_token', async () => {
    const instance = await service();
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer not a token', 'Bearer abc.def.ghi']) {
      const res = await instance.inject({ method: 'GET', url: '/me', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      expect(res.json().error.code).toBe('ORDO_ERR_AUTH_UNAUTHENTICATED');
    }
  });

  it('when the role is not allowed, then 403 ORDO_ERR_AUTH_FORBIDDEN before the body is validated or the handler runs', async () => {
    const instance = await service();
    const res = await instance.inject({
      method: 'POST',
      url: '/ops',
      headers: { authorization: await bearer(Roles.Customer) },
      payload: { wrong: true },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({
      error: {
        code: 'ORDO_ERR_AUTH_FORBIDDEN',
        message: 'Your role is not allowed to do this',
        details: { allowed: ['operator'] },
      },
    });
    const ok = await instance.inject({
      method: 'POST',
      url: '/ops',
      headers: { authorization: await bearer(Roles.Operator) },
      payload: { n: 1 },
    });
    expect(ok.json()).toEqual({ handled: 1 });
  });

  it('when a route declares no access rule, then registering it fails', async () => {
    app = await createHttpApp();
    app.register(async (scope) => {
      await scope.register(authPlugin, { verifier: new LocalKeysVerifier({ keys, issuer: ISS, audience: AUD }) });
      scope.get('/forgotten', async () => ({ secret: true }));
    });
    await expect(app.ready()).rejects.toThrow(/GET \/forgotten declares no access rule/);
  });

  it('when two services in one host each register it, then each scope is protected and host routes are untouched', async () => {
    app = await createHttpApp();
    const verifier = new LocalKeysVerifier({ keys, issuer: ISS, audience: AUD });
    for (const name of ['order', 'delivery']) {
      await app.register(async (scope) => {
        await scope.register(authPlugin, { verifier });
        scope.get(`/v1/${name}`, { config: allow(Roles.Courier) }, async (request) => ({ name, user: request.user }));
      });
    }
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/order' })).statusCode).toBe(401);
    const res = await app.inject({
      method: 'GET',
      url: '/v1/delivery',
      headers: { authorization: await bearer(Roles.Courier) },
    });
    expect(res.json()).toEqual({ name: 'delivery', user: { id: 'user-courier', role: 'courier' } });
  });

  it('when a service registers it with its RouteAuth, then that check runs first, once per request, even when registered twice', async () => {
    app = await createHttpApp();
    const auth = routeAuth(new LocalKeysVerifier({ keys, issuer: ISS, audience: AUD }));
    let checks = 0;
    const counted = {
      authorize: (roles: readonly Role[]) => {
        const check = auth.authorize(roles);
        return async function (this: FastifyInstance, ...args: Parameters<typeof check>) {
          checks += 1;
          return check.apply(this, args);
        } as typeof check;
      },
    };
    await app.register(async (service) => {
      await service.register(authPlugin, { auth: counted });
      await service.register(async (routes) => {
        await routes.register(authPlugin, { auth: counted });
        routes.post('/v1/ops', { config: allow(Roles.Operator) }, async (request) => auth.currentUser(request));
      });
    });
    const anonymous = await app.inject({
      method: 'POST',
      url: '/v1/ops',
      payload: 'not json',
      headers: { 'content-type': 'application/json' },
    });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    expect(
      (await app.inject({ method: 'POST', url: '/v1/ops', headers: { authorization: await bearer(Roles.Courier) } }))
        .statusCode,
    ).toBe(403);
    checks = 0;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/ops',
      headers: { authorization: await bearer(Roles.Operator) },
    });
    expect(res.json()).toEqual({ id: 'user-operator', role: 'operator' });
    expect(checks).toBe(1);
  });
});

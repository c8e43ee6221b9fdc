// Access control by declaration: every route states who may call it in its config
// (`allow(Role.Operator)`, `allowAnyRole()`, `allowAnonymous()`), and the plugin adds the
// hooks. A route that states nothing fails registration, so nothing ships unprotected by accident.
import type { FastifyPluginAsync, onRequestHookHandler, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { authenticate, requireRole } from './authenticate.hook.js';
import { ALL_ROLES, type Role } from './role.js';
import type { RouteAuth } from './route-auth.js';
import type { TokenVerifier } from './token-verifier.js';

/** Who may call a route: authenticated callers with one of `roles`, or anyone. */
export type RouteAccess = { readonly roles: readonly Role[] } | { readonly anonymous: true };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Read by `authPlugin`; set it with `allow(...)`, `allowAnyRole()` or `allowAnonymous()`. */
    access?: RouteAccess;
  }
}

/** Route config: only callers with one of `roles`. `{ config: allow(Role.Operator) }` */
export function allow(...roles: [Role, ...Role[]]): { access: RouteAccess } {
  return { access: { roles } };
}

/** Route config: any authenticated caller, whatever the role. */
export function allowAnyRole(): { access: RouteAccess } {
  return { access: { roles: ALL_ROLES } };
}

/** Route config: no token needed (login, registration, public keys). */
export function allowAnonymous(): { access: RouteAccess } {
  return { access: { anonymous: true } };
}

/**
 * The gateway checks tokens with its verifier; a business service with the `RouteAuth` its host
 * gives it (the gateway's keys in-process, the JWKS over HTTP, or a test's stand-in).
 */
export type AuthPluginOptions = { verifier: TokenVerifier } | { auth: Pick<RouteAuth, 'authorize'> };

// Set on the scope that holds the guard: a nested registration (a service's guard inside a scope
// the host already guards) would otherwise check every token twice.
const GUARDED = 'ordoAccessGuard';

function checksFor(options: AuthPluginOptions): (roles: readonly Role[]) => onRequestHookHandler[] {
  if ('verifier' in options) {
    const authn = authenticate(options.verifier) as onRequestHookHandler;
    return (roles) => [authn, requireRole(...roles) as onRequestHookHandler];
  }
  const { auth } = options;
  return (roles) => [auth.authorize(roles) as onRequestHookHandler];
}

function hooksOf(value: RouteOptions['onRequest']): onRequestHookHandler[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as onRequestHookHandler[];
}

const plugin: FastifyPluginAsync<AuthPluginOptions> = async (app, options) => {
  if (app.hasDecorator(GUARDED)) return;
  app.decorate(GUARDED, true);
  if (!app.hasRequestDecorator('user')) app.decorateRequest('user', null);
  const checks = checksFor(options);

  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (access === undefined) {
      throw new Error(
        `route ${String(route.method)} ${route.url} declares no access rule: ` +
          'add config: allow(...roles), allowAnyRole() or allowAnonymous()',
      );
    }
    if ('anonymous' in access) return;
    // First in line: nothing else runs for a caller who may not be here.
    route.onRequest = [...checks(access.roles), ...hooksOf(route.onRequest)];
  });

  // A protected route's handler may also answer 401 (a token whose account is gone): RFC 6750
  // wants the challenge on every 401 of a Bearer-protected resource.
  app.addHook('onSend', async (request, reply) => {
    const access = request.routeOptions.config?.access;
    if (reply.statusCode === 401 && access && 'roles' in access && !reply.hasHeader('www-authenticate')) {
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
    }
  });
};

/**
 * Registers access control for the routes declared after it in the same scope (register it
 * inside a service's routes plugin): decorates `request.user` and enforces each route's
 * `config.access`. Registering it again inside a guarded scope changes nothing.
 */
export const authPlugin = fp(plugin, { name: '@ordo/auth', fastify: '5.x' });

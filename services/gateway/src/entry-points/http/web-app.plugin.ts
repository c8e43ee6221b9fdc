// The web app (apps/web, built by Vite) at `/`: its files, its runtime config, and index.html for
// client routes. It answers only requests no route matched, so it can never shadow the API, the
// health checks, the metrics or the docs, and it registers no route of its own (the route table
// stays the API's). Deep links fall back to index.html for browser navigations only (`Accept:
// text/html`): an API client asking for a path that does not exist still gets the JSON 404.
import { stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/** A demo account as the sign-in page shows it. */
export interface DemoAccountView {
  readonly email: string;
  readonly password: string;
  readonly role: string;
  readonly restaurantId?: string;
}

export interface WebAppOptions {
  /** The built app (`apps/web/dist`): absolute path. Missing files answer the API's 404. */
  readonly root: string;
  /**
   * The embedded demo's accounts, offered on the sign-in page. Only customers and restaurant
   * staff are ever shown, whatever this returns; a deployment of its own passes nothing.
   */
  readonly demoAccounts?: () => readonly DemoAccountView[] | undefined;
  /** A map tile URL template (`https://…/{z}/{x}/{y}.png`); without one the app draws its own map. */
  readonly tileUrl?: string;
}

/** What the app reads at start: served here, not under /v1, because it is the app's, not the API's. */
export const WEB_CONFIG_PATH = '/app-config.json';

export interface WebConfig {
  demoAccounts: DemoAccountView[];
  tileUrl: string | null;
}

// Paths that belong to the API and the operators: never a file of the app, never index.html.
const RESERVED = [/^\/v\d+(\/|$)/, /^\/\.well-known(\/|$)/, /^\/health/, /^\/readyz/, /^\/metrics/, /^\/docs(\/|$)/];
const SHOWN_ROLES = new Set(['customer', 'restaurant']);

/** The path of a request, decoded, or undefined when it cannot be (the API's 404 answers then). */
function pathOf(request: FastifyRequest): string | undefined {
  try {
    return decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
  } catch {
    return undefined;
  }
}

/** A regular file under `root` for this path, relative to it; nothing for directories or escapes. */
async function fileFor(root: string, path: string): Promise<string | undefined> {
  const relative = normalize(path).replace(/^[/\\]+/, '');
  if (relative === '' || relative.split(sep).some((part) => part === '..' || part.startsWith('.'))) return undefined;
  const info = await stat(join(root, relative)).catch(() => undefined);
  return info?.isFile() ? relative : undefined;
}

function wantsHtml(request: FastifyRequest): boolean {
  return /\btext\/html\b/.test(request.headers.accept ?? '');
}

/**
 * The page loads only its own files and talks only to its own origin (plus the tile server, when
 * one is configured): an injected script has nowhere to load from or send to.
 */
function contentSecurityPolicy(tileUrl: string | undefined): string {
  const tiles = tileUrl ? ` ${new URL(tileUrl.replace(/[{}]/g, '')).origin}` : '';
  return [
    "default-src 'self'",
    `img-src 'self' data:${tiles}`,
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function sendIndex(reply: FastifyReply, csp: string): FastifyReply {
  return (
    reply
      // Always revalidated: it names the hashed asset files of the current build.
      .header('cache-control', 'no-cache')
      .header('content-security-policy', csp)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .sendFile('index.html', { cacheControl: false })
  );
}

function webApp(options: WebAppOptions): FastifyPluginAsync {
  const config = (): WebConfig => ({
    demoAccounts: (options.demoAccounts?.() ?? [])
      .filter((a) => SHOWN_ROLES.has(a.role))
      .map(({ email, password, role, restaurantId }) => ({
        email,
        password,
        role,
        ...(restaurantId ? { restaurantId } : {}),
      })),
    tileUrl: options.tileUrl ?? null,
  });

  const csp = contentSecurityPolicy(options.tileUrl);
  return async (app) => {
    await app.register(fastifyStatic, { root: options.root, serve: false });
    app.addHook('onRequest', async (request, reply) => {
      if (!request.is404 || (request.method !== 'GET' && request.method !== 'HEAD')) return;
      const path = pathOf(request);
      if (path === undefined || RESERVED.some((pattern) => pattern.test(path))) return;
      if (path === WEB_CONFIG_PATH) return reply.header('cache-control', 'no-store').send(config());
      const file = await fileFor(options.root, path);
      if (file === 'index.html') return sendIndex(reply, csp);
      if (file) {
        // Vite puts content-hashed names under assets/: they never change, so cache them for good.
        const hashed = file.startsWith(`assets${sep}`);
        return reply.sendFile(file, hashed ? { maxAge: '365d', immutable: true } : { maxAge: 0 });
      }
      if (path !== '/' && !wantsHtml(request)) return;
      if (!(await fileFor(options.root, '/index.html'))) return;
      return sendIndex(reply, csp);
    });
  };
}

/**
 * The web app as a plugin of the app it is registered on (not encapsulated): its hook must see
 * the requests that reach the host's 404 handler.
 */
export function webAppPlugin(options: WebAppOptions): FastifyPluginAsync {
  const plugin = webApp(options);
  Object.assign(plugin, { [Symbol.for('skip-override')]: true });
  return plugin;
}

// The services Ordo runs, how each is built from a ServiceContext, and which HTTP paths each
// owns. The embedded host builds all of them in one process; `ordo serve <service>` builds one,
// and the gateway of the distributed shape forwards each path prefix to its owner.
import { fileURLToPath } from 'node:url';
import { type AuditService, createAuditService } from '@ordo/audit';
import type { RouteAuth } from '@ordo/auth';
import { createDeliveryService } from '@ordo/delivery';
import {
  createGatewayService,
  DEFAULT_MAX_IN_FLIGHT,
  type DemoAccountView,
  type GatewayOptions,
  type GatewayRateLimitOptions,
  type GatewayService,
  type Upstream,
  type UpstreamPrefix,
} from '@ordo/gateway';
import type { LiveFeed } from '@ordo/live-feed';
import { createOrderService, type OrderService } from '@ordo/order';
import { createPaymentService, type PaymentServiceOptions } from '@ordo/payment';
import { createQueryService, type QueryService } from '@ordo/query';
import type { ReadStore } from '@ordo/read-store';
import { createRestaurantService, type RestaurantCacheOptions, type RestaurantService } from '@ordo/restaurant';
import type { OrdoService, ServiceContext } from '@ordo/service-kit';
import type { TlsMaterial } from '@ordo/tls';
import { z } from 'zod';

/**
 * Services behind the gateway, in start order (a participant before the orchestrator, the read
 * side last).
 */
export const BUSINESS_SERVICES = ['restaurant', 'delivery', 'payment', 'order', 'query', 'audit'] as const;
export type BusinessService = (typeof BUSINESS_SERVICES)[number];

/** Every process of the distributed shape: the gateway, the services, and the PSP stand-in. */
export const SERVICE_NAMES = ['gateway', ...BUSINESS_SERVICES, 'psp-sim'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export function isServiceName(name: string): name is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(name);
}

const READS = ['GET', 'HEAD'] as const;
const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * The path prefixes each service's routes live under, and for a prefix two services share, the
 * methods each takes (orders are written by the order service and read from the query service's
 * views). A longer prefix wins over a shorter one. A test registers each service's routes and
 * checks that every one of them is routed to its own service, so this table cannot drift.
 */
export const HTTP_PREFIXES: Readonly<Record<BusinessService, readonly UpstreamPrefix[]>> = {
  restaurant: ['/v1/restaurants', '/v1/restaurant'],
  delivery: ['/v1/couriers', '/v1/courier'],
  payment: ['/v1/ops/payments'],
  order: [{ prefix: '/v1/orders', methods: WRITES }, '/v1/ops/sagas'],
  query: [{ prefix: '/v1/orders', methods: READS }, '/v1/restaurant/board', '/v1/courier/job'],
  audit: ['/v1/ops/audit'],
};

/**
 * Paths of live event streams: the gateway forwards them on connections of their own, uncapped,
 * since each holds one for as long as its client follows (ADR 0026).
 */
export const LIVE_STREAM_PATHS: Readonly<Partial<Record<BusinessService, readonly RegExp[]>>> = {
  query: [/^\/v1\/orders\/[^/]+\/track$/],
};

/** The service the gateway forwards `method path` to: the longest prefix that takes the method. */
export function ownerOf(method: string, path: string): BusinessService | undefined {
  let best: { service: BusinessService; length: number } | undefined;
  for (const service of BUSINESS_SERVICES) {
    for (const entry of HTTP_PREFIXES[service]) {
      const { prefix, methods } = typeof entry === 'string' ? { prefix: entry, methods: undefined } : entry;
      const under = path === prefix || path.startsWith(`${prefix}/`);
      if (!under || (methods && !methods.includes(method))) continue;
      if (!best || prefix.length > best.length) best = { service, length: prefix.length };
    }
  }
  return best?.service;
}

/**
 * The operations that take an `Idempotency-Key` (ADR 0018): the ones that move money. The
 * gateway enforces it on these, in either shape; each is marked `idempotent` in its service's
 * API description too, and a test keeps the two equal.
 */
export const IDEMPOTENT_ROUTES: readonly { method: 'POST'; path: string }[] = [
  { method: 'POST', path: '/v1/orders' },
  { method: 'POST', path: '/v1/orders/:id/cancel' },
  { method: 'POST', path: '/v1/ops/sagas/:id/retry' },
  { method: 'POST', path: '/v1/ops/sagas/:id/skip' },
  { method: 'POST', path: '/v1/courier/deliveries/:id/picked-up' },
];

/**
 * Settings tests (and operators) shorten: the same shape in both runtime shapes. The embedded
 * host takes it as an object; `ordo serve` reads it as JSON from `ORDO_TUNING`.
 */
export interface Tuning {
  /** How often overdue saga steps are looked for (order service). */
  sagaTimerIntervalMs?: number;
  /** How long a courier request waits for a free courier (delivery service). */
  courierWaitMs?: number;
  /** Payment settings (deadlines, retry and breaker timings); the payment service validates them. */
  payment?: Omit<PaymentServiceOptions, 'pspBaseUrl' | 'access'>;
  /** How long a process seals with the data key it loaded before reading the current one (ADR 0023). */
  dataKeyMaxAgeMs?: number;
}

const tuningSchema = z
  .object({
    sagaTimerIntervalMs: z.number().int().positive().optional(),
    courierWaitMs: z.number().int().positive().optional(),
    payment: z.record(z.string(), z.number()).optional(),
    dataKeyMaxAgeMs: z.number().int().positive().optional(),
  })
  .strict();

/** Reads `ORDO_TUNING` (JSON); unknown keys are refused so a typo does not go unnoticed. */
export function parseTuning(json: string | undefined): Tuning {
  if (!json) return {};
  return tuningSchema.parse(JSON.parse(json)) as Tuning;
}

export interface BuildOptions {
  /** How routes check tokens: the gateway's keys in-process, or its JWKS over HTTP. */
  readonly auth: RouteAuth;
  /** Where the payment provider listens (payment service). */
  readonly pspUrl?: string;
  readonly tuning?: Tuning;
  /**
   * The query service's read store and live feeds. Where they are given, orders are read from
   * the views and the order service serves no reads itself (in one process both would claim
   * `GET /v1/orders`); without them the order service answers reads from its own tables.
   */
  readonly readModels?: ReadModels;
  /** The restaurant service's cache; in the distributed shape its second level is Redis. */
  readonly restaurantCache?: RestaurantCacheOptions;
}

export interface ReadModels {
  readonly store: ReadStore;
  readonly feed: LiveFeed;
  /** The embedded shape's in-memory store starts empty: rebuild it from the log at start. */
  readonly rebuildOnStart?: boolean;
}

/** Builds one business service (not started). */
export function buildService(name: 'restaurant', context: ServiceContext, options: BuildOptions): RestaurantService;
export function buildService(name: 'order', context: ServiceContext, options: BuildOptions): OrderService;
export function buildService(name: 'query', context: ServiceContext, options: BuildOptions): QueryService;
export function buildService(name: 'audit', context: ServiceContext, options: BuildOptions): AuditService;
export function buildService(name: BusinessService, context: ServiceContext, options: BuildOptions): OrdoService;
export function buildService(name: BusinessService, context: ServiceContext, options: BuildOptions): OrdoService {
  const { auth, tuning } = options;
  switch (name) {
    case 'restaurant':
      return createRestaurantService(context, { auth, cache: options.restaurantCache });
    case 'delivery':
      return createDeliveryService(context, {
        auth,
        ...(tuning?.courierWaitMs ? { assignmentTimeoutMs: tuning.courierWaitMs } : {}),
      });
    case 'payment': {
      if (!options.pspUrl) throw new Error('the payment service needs the PSP URL');
      return createPaymentService(context, { ...tuning?.payment, pspBaseUrl: options.pspUrl, access: auth });
    }
    case 'order':
      return createOrderService(context, {
        auth,
        sagaTimerIntervalMs: tuning?.sagaTimerIntervalMs,
        serveReads: options.readModels === undefined,
      });
    case 'query': {
      if (!options.readModels) throw new Error('the query service needs its read store and live feeds');
      const { store, feed, rebuildOnStart } = options.readModels;
      return createQueryService(context, { auth, store, feed, rebuildOnStart });
    }
    case 'audit':
      return createAuditService(context, { auth });
  }
}

/** The built web app (apps/web, `vite build`), which the gateway serves at `/` in both shapes. */
export const WEB_APP_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** What the gateway is built with besides its context; every field is optional. */
export interface GatewayBuildOptions {
  /** The distributed shape: where each business service listens; the gateway forwards to them. */
  readonly upstreamUrls?: Readonly<Record<BusinessService, string>>;
  /** The embedded demo's accounts, which the web app's sign-in page offers. */
  readonly demoAccounts?: () => readonly DemoAccountView[] | undefined;
  /** Request rate limits: the defaults unless changed (`limits`), counted in Redis when given. */
  readonly rateLimits?: GatewayRateLimitOptions;
  /** The distributed shape: the gateway's certificate and the CA the services' certificates come from. */
  readonly upstreamTls?: TlsMaterial;
  /** Load shedding: API requests at once (default DEFAULT_MAX_IN_FLIGHT), or `'off'` (ADR 0029). */
  readonly maxInFlight?: number | 'off';
  /** What key rotation does to data keys; default: the gateway's own (ADR 0023). */
  readonly rotateDataKeys?: GatewayOptions['rotateDataKeys'];
}

/**
 * The gateway; in the distributed shape it forwards every other service's paths to it. The
 * embedded host passes its demo accounts, which the web app's sign-in page offers.
 */
export function buildGateway(context: ServiceContext, options: GatewayBuildOptions = {}): GatewayService {
  const { upstreamUrls, demoAccounts, rateLimits = {}, upstreamTls, rotateDataKeys } = options;
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const upstreams: Upstream[] | undefined = upstreamUrls
    ? BUSINESS_SERVICES.map((service) => ({
        service,
        prefixes: HTTP_PREFIXES[service],
        url: upstreamUrls[service],
        liveStreams: LIVE_STREAM_PATHS[service],
      }))
    : undefined;
  return createGatewayService(context, {
    upstreams,
    web: { root: WEB_APP_DIR, demoAccounts },
    rateLimits,
    ...(maxInFlight === 'off' ? {} : { admission: { maxInFlight } }),
    idempotency: { routes: IDEMPOTENT_ROUTES },
    upstreamTls,
    rotateDataKeys,
  });
}

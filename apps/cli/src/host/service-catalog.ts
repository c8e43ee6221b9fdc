// The services Ordo runs, how each is built from a ServiceContext, and which HTTP paths each
// owns. The embedded host builds all of them in one process; `ordo serve <service>` builds one,
// and the gateway of the distributed shape forwards each path prefix to its owner.
import type { RouteAuth } from '@ordo/auth';
import { createDeliveryService } from '@ordo/delivery';
import { createGatewayService, type GatewayService, type Upstream } from '@ordo/gateway';
import { createOrderService, type OrderService } from '@ordo/order';
import { createPaymentService, type PaymentServiceOptions } from '@ordo/payment';
import { createRestaurantService, type RestaurantService } from '@ordo/restaurant';
import type { OrdoService, ServiceContext } from '@ordo/service-kit';
import { z } from 'zod';

/** Services behind the gateway, in start order (a participant before the orchestrator). */
export const BUSINESS_SERVICES = ['restaurant', 'delivery', 'payment', 'order'] as const;
export type BusinessService = (typeof BUSINESS_SERVICES)[number];

/** Every process of the distributed shape: the gateway, the services, and the PSP stand-in. */
export const SERVICE_NAMES = ['gateway', ...BUSINESS_SERVICES, 'psp-sim'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export function isServiceName(name: string): name is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(name);
}

/**
 * The path prefixes each service's routes live under. A test registers each service's routes
 * and checks that every one of them falls under its prefixes, so this table cannot drift.
 */
export const HTTP_PREFIXES: Readonly<Record<BusinessService, readonly string[]>> = {
  restaurant: ['/v1/restaurants', '/v1/restaurant'],
  delivery: ['/v1/couriers', '/v1/courier'],
  payment: ['/v1/ops/payments'],
  order: ['/v1/orders', '/v1/ops/sagas'],
};

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
}

const tuningSchema = z
  .object({
    sagaTimerIntervalMs: z.number().int().positive().optional(),
    courierWaitMs: z.number().int().positive().optional(),
    payment: z.record(z.string(), z.number()).optional(),
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
}

/** Builds one business service (not started). */
export function buildService(name: 'restaurant', context: ServiceContext, options: BuildOptions): RestaurantService;
export function buildService(name: 'order', context: ServiceContext, options: BuildOptions): OrderService;
export function buildService(name: BusinessService, context: ServiceContext, options: BuildOptions): OrdoService;
export function buildService(name: BusinessService, context: ServiceContext, options: BuildOptions): OrdoService {
  const { auth, tuning } = options;
  switch (name) {
    case 'restaurant':
      return createRestaurantService(context, { auth });
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
      return createOrderService(context, { auth, sagaTimerIntervalMs: tuning?.sagaTimerIntervalMs });
  }
}

/** The gateway; in the distributed shape it forwards every other service's paths to it. */
export function buildGateway(
  context: ServiceContext,
  upstreamUrls?: Readonly<Record<BusinessService, string>>,
): GatewayService {
  const upstreams: Upstream[] | undefined = upstreamUrls
    ? BUSINESS_SERVICES.map((service) => ({ service, prefixes: HTTP_PREFIXES[service], url: upstreamUrls[service] }))
    : undefined;
  return createGatewayService(context, { upstreams });
}

// The live demo: a customer placing orders, every restaurant's kitchen cooking them, every
// courier driving them — each one a client of Ordo's public HTTP API with a demo account, as a
// real app would be, so the same simulator drives the embedded host or a distributed deployment.
import type { Logger } from '@ordo/logger';
import type { DemoAccount } from '../host/demo-seed.js';
import { type ActorRuntime, createActorRuntime } from './actor-runtime.js';
import { type ApiClient, createApiClient } from './api-client.js';
import { type CourierPace, startCourier } from './courier.actor.js';
import { type CustomerPace, startCustomer } from './customer.actor.js';
import type { LatLng } from './geo.js';
import { type KitchenPace, startKitchen } from './kitchen.actor.js';
import { PickupShelf } from './pickup-shelf.js';

/** Every pace of the demo, in milliseconds unless named otherwise. */
export interface DemoRates extends CustomerPace, KitchenPace, CourierPace {}

export const DEFAULT_DEMO_RATES: DemoRates = {
  orderIntervalMs: 5_000,
  declineShare: 0.03,
  pollIntervalMs: 1_000,
  followForMs: 10 * 60_000,
  acceptDelayMs: [500, 2_000],
  cookMs: [3_000, 8_000],
  legMs: 5_000,
  positionIntervalMs: 1_000,
  pickupWaitMs: 20_000,
};

export interface DemoSimulatorOptions {
  /** Where the API is, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** The demo accounts (customer, operator, restaurant staff, couriers). */
  accounts: readonly DemoAccount[];
  logger: Logger;
  rates?: Partial<DemoRates>;
  /** The source of every random choice (default Math.random); tests pass a seeded one. */
  random?: () => number;
  /** For tests that watch the simulator's requests. */
  fetch?: typeof fetch;
}

export interface DemoSimulator {
  /** Stops every actor, aborting requests and waits in flight; resolves when all have ended. Safe to call twice. */
  stop(): Promise<void>;
}

export function startDemoSimulator(options: DemoSimulatorOptions): DemoSimulator {
  const rates: DemoRates = { ...DEFAULT_DEMO_RATES, ...options.rates };
  const runtime = createActorRuntime({ logger: options.logger, random: options.random ?? Math.random });
  const client = (account: DemoAccount): ApiClient =>
    createApiClient({
      baseUrl: options.baseUrl,
      email: account.email,
      password: account.password,
      signal: runtime.signal,
      fetch: options.fetch,
    });
  const byRole = (role: DemoAccount['role']) => options.accounts.filter((a) => a.role === role);

  const shelf = new PickupShelf();
  const customer = byRole('customer')[0];
  if (customer) startCustomer(runtime, client(customer), rates);
  const kitchens = byRole('restaurant');
  for (const staff of kitchens) startKitchen(runtime, client(staff), shelf, rates);
  const couriers = byRole('courier');
  const operator = byRole('operator')[0];
  const fleet = operator ? fleetPositions(runtime, client(operator)) : async () => new Map<string, LatLng>();
  for (const account of couriers) {
    const api = client(account);
    startCourier(runtime, api, shelf, rates, {
      startAt: async () => (await fleet()).get((await api.get<{ id: string }>('/v1/me')).id),
    });
  }

  options.logger.info(
    {
      orderIntervalMs: rates.orderIntervalMs,
      kitchens: kitchens.length,
      couriers: couriers.length,
      customer: customer?.email,
    },
    `demo running: a new order every ${formatSeconds(rates.orderIntervalMs)}, ${kitchens.length} kitchens, ${couriers.length} couriers (ORDO_DEMO=off turns it off)`,
  );
  if (!customer) options.logger.warn('demo: there is no demo customer account; no orders will be placed');
  return { stop: runtime.stop };
}

/**
 * Where each courier is, by user id, read once from the operator's fleet view: a courier app
 * knows its own GPS position, and this is the simulator's stand-in for it. Failing that, a
 * courier starts from near its first restaurant.
 */
function fleetPositions(runtime: ActorRuntime, operator: ApiClient): () => Promise<Map<string, LatLng>> {
  let fleet: Promise<Map<string, LatLng>> | undefined;
  return () => {
    fleet ??= operator
      .get<{ couriers: Array<{ userId: string; position: LatLng }> }>('/v1/couriers')
      .then(({ couriers }) => new Map(couriers.map((c) => [c.userId, c.position])))
      .catch((error: unknown) => {
        runtime.report('operator', error, 'read the fleet');
        return new Map();
      });
    return fleet;
  };
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

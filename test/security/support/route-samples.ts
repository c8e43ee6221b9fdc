// One entry per operation of the API document: which object its path (or body) names, which roles
// may reach only their own such objects, and a valid request body. Valid on purpose: a 400 for a
// malformed body would hide a missing access check. A new operation without an entry here fails
// the route matrix test.

/** The objects whose ownership the matrix varies: the principal's own one, and another's. */
export type ObjectKind = 'order' | 'ticket' | 'delivery' | 'restaurant' | 'saga';

export interface SampleContext {
  /** The object this call is about (own or foreign), when the operation names one. */
  readonly objectId: string;
  /** Different on every call, for bodies that create something with a unique key. */
  readonly unique: string;
  /** An available item of the principal's restaurant, for a valid order. */
  readonly menu: { readonly restaurantId: string; readonly menuItemId: string };
  /** An existing account's credentials, for a valid login. */
  readonly login: { readonly email: string; readonly password: string };
  /** A refresh token of a session of its own (a spent one would end the session it belongs to). */
  freshRefreshToken(): Promise<string>;
}

export interface RouteSample {
  /** What `{id}` in the path names, or for `bodyObject` routes what the body names. */
  readonly object?: ObjectKind;
  /** The object is named in the body (its `deliveryId`), not in the path. */
  readonly bodyObject?: boolean;
  /** Roles that may act on their own objects of this kind only; other allowed roles act on any. */
  readonly ownedBy?: readonly string[];
  readonly query?: string;
  readonly body?: (context: SampleContext) => unknown | Promise<unknown>;
  /** Changes state: the calls the rules allow run after all the others. */
  readonly mutates?: boolean;
  /** Ends its object's ticket and delivery: runs after the other state changes. */
  readonly last?: boolean;
  /** Why a route that takes no body still accepts one; it is left out of the forbidden-keys check. */
  readonly bodyUnchecked?: string;
}

const ADDRESS = { line1: 'Rua Augusta 1', lat: 38.71, lng: -9.14 };
const PASSWORD = 'matrix-password-1';

const orderObject = { object: 'order', ownedBy: ['customer'] } as const;
const ticketStep = { object: 'ticket', ownedBy: ['restaurant'], mutates: true } as const;
const deliveryStep = { object: 'delivery', ownedBy: ['courier'], mutates: true } as const;
const parkedAction = { object: 'saga', mutates: true } as const;

/** Keyed `METHOD /path` as the API document spells the path. */
export const ROUTE_SAMPLES: Readonly<Record<string, RouteSample>> = {
  'POST /v1/auth/register': {
    body: ({ unique }) => ({ email: `matrix.${unique}@example.test`, password: PASSWORD }),
  },
  'POST /v1/auth/login': { body: ({ login }) => login },
  'POST /v1/auth/refresh': { body: async (c) => ({ refreshToken: await c.freshRefreshToken() }) },
  'POST /v1/auth/logout': { body: async (c) => ({ refreshToken: await c.freshRefreshToken() }) },
  'GET /.well-known/jwks.json': {},
  'POST /v1/users': {
    body: ({ unique }) => ({ email: `matrix.user.${unique}@example.test`, password: PASSWORD, role: 'customer' }),
  },
  'GET /v1/me': {},
  'POST /v1/ops/keys/rotate': { mutates: true, body: () => ({}) },

  'GET /v1/restaurants': {},
  'GET /v1/restaurants/{id}/menu': { object: 'restaurant' },
  'PUT /v1/restaurants/{id}/availability': {
    object: 'restaurant',
    ownedBy: ['restaurant'],
    body: () => ({ items: [] }),
  },
  'GET /v1/restaurant/tickets': { query: 'limit=500' },
  'POST /v1/restaurant/tickets/{id}/accept': ticketStep,
  'POST /v1/restaurant/tickets/{id}/ready': ticketStep,
  'GET /v1/restaurant/board': {},

  'POST /v1/orders': {
    mutates: true,
    body: ({ menu }) => ({
      restaurantId: menu.restaurantId,
      items: [{ menuItemId: menu.menuItemId, quantity: 1 }],
      deliveryAddress: ADDRESS,
      paymentToken: 'tok_visa',
    }),
  },
  'GET /v1/orders': { query: 'limit=100' },
  'GET /v1/orders/{id}': orderObject,
  'GET /v1/orders/{id}/track': orderObject,
  'POST /v1/orders/{id}/cancel': { ...orderObject, mutates: true, last: true },

  'GET /v1/courier/jobs': {},
  'GET /v1/courier/job': {},
  'POST /v1/courier/deliveries/{id}/accept': deliveryStep,
  'POST /v1/courier/deliveries/{id}/picked-up': deliveryStep,
  'POST /v1/courier/deliveries/{id}/delivered': deliveryStep,
  'PUT /v1/courier/availability': { body: () => ({ available: true }) },
  'POST /v1/courier/position': { body: () => ({ lat: ADDRESS.lat, lng: ADDRESS.lng }) },
  'POST /v1/couriers/me/locations': {
    object: 'delivery',
    bodyObject: true,
    ownedBy: ['courier'],
    body: ({ objectId }) => ({
      deliveryId: objectId,
      pings: [{ at: new Date().toISOString(), lat: ADDRESS.lat, lng: ADDRESS.lng }],
    }),
  },
  'GET /v1/couriers': {},

  'GET /v1/ops/sagas': {},
  'GET /v1/ops/sagas/{id}': { object: 'saga' },
  'POST /v1/ops/sagas/{id}/retry': { ...parkedAction, body: () => ({ note: 'matrix' }) },
  'POST /v1/ops/sagas/{id}/skip': { ...parkedAction, body: () => ({ note: 'matrix' }) },
  'POST /v1/ops/sagas/{id}/resolve': { ...parkedAction, body: () => ({ note: 'matrix' }) },
  'GET /v1/ops/payments': { query: 'limit=100' },
  'POST /v1/ops/payments/reconcile': { mutates: true },

  'GET /v1/ops/audit': {},
  'GET /v1/ops/audit/verify': {},
};

/**
 * Keys no client may set (status, prices, amounts, roles, couriers). Sent in any body object that
 * does not take them, each must be refused with 400, not dropped.
 */
export const FORBIDDEN_KEYS = ['status', 'priceCents', 'totalCents', 'amountCents', 'role', 'courierId'] as const;

// The HTTP API as the app calls it: JSON in and out, the access token on every call, and Ordo's
// error body (`{ error: { code, message } }`) turned into an ApiError with its stable code.
import type {
  DeliveryAddress,
  KitchenTicket,
  Me,
  Menu,
  Order,
  OrderPage,
  OrderStatus,
  Restaurant,
  TicketStatus,
  TokenResponse,
  WebConfig,
} from './types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What a person should read for a failed call: the server's message, or why there was none. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'Cannot reach Ordo. Check your connection and try again.';
  return error instanceof Error ? error.message : String(error);
}

export type TokenSource = () => string | undefined;

function isKeyInUse(res: Response, idempotencyKey: string | undefined): boolean {
  return idempotencyKey !== undefined && res.status === 409 && res.headers.has('retry-after');
}

function retryAfterMs(res: Response): number {
  const seconds = Number(res.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 5) * 1000 : 1000;
}

/**
 * A new Idempotency-Key: random, unguessable. `crypto.randomUUID` exists only in secure contexts
 * (HTTPS, localhost); the app may be opened over plain HTTP on a LAN.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface ApiClientOptions {
  token: TokenSource;
  /** Called on a 401 from a call that carried a token: the session is over. */
  onUnauthorized?: () => void;
}

export function createApiClient(options: ApiClientOptions) {
  // Read-your-writes: the `version` each order write of this client returned. Reads of that order
  // ask for at least it (`minVersion`), so the order page never shows the order missing or older
  // than what this client just did, even while the read side is still catching up.
  const written = new Map<string, number>();
  const remember = <R extends { id: string; version?: number }>(result: R): R => {
    if (result.version !== undefined) written.set(result.id, Math.max(result.version, written.get(result.id) ?? 0));
    return result;
  };
  const orderPath = (id: string) => {
    const version = written.get(id);
    return `/v1/orders/${encodeURIComponent(id)}${version === undefined ? '' : `?minVersion=${version}`}`;
  };

  async function call<T>(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    const token = options.token();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
    const send = () =>
      fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    let res = await send();
    // The first request with this key is still running (a double click, a retry after a timeout):
    // wait as told, then take its answer rather than showing an error.
    for (let attempt = 0; attempt < 10 && isKeyInUse(res, idempotencyKey); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, retryAfterMs(res)));
      res = await send();
    }
    const text = await res.text();
    const json: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      if (res.status === 401 && token) options.onUnauthorized?.();
      throw new ApiError(res.status, error?.code ?? 'UNKNOWN', error?.message ?? `Request failed (${res.status})`);
    }
    return json as T;
  }

  return {
    config: () => call<WebConfig>('GET', '/app-config.json'),
    login: (email: string, password: string) => call<TokenResponse>('POST', '/v1/auth/login', { email, password }),
    me: () => call<Me>('GET', '/v1/me'),
    restaurants: () => call<{ restaurants: Restaurant[] }>('GET', '/v1/restaurants').then((r) => r.restaurants),
    menu: (id: string) => call<Menu>('GET', `/v1/restaurants/${encodeURIComponent(id)}/menu`),
    /** `idempotencyKey`: one per order the person means to place, the same on every retry of it. */
    placeOrder: (
      order: {
        restaurantId: string;
        items: Array<{ menuItemId: string; quantity: number }>;
        deliveryAddress: DeliveryAddress;
        paymentToken: string;
      },
      idempotencyKey: string,
    ) =>
      call<{ id: string; status: OrderStatus; version?: number }>('POST', '/v1/orders', order, idempotencyKey).then(
        remember,
      ),
    order: (id: string) => call<Order>('GET', orderPath(id)),
    orders: (after?: string) =>
      call<OrderPage>('GET', `/v1/orders?limit=20${after ? `&after=${encodeURIComponent(after)}` : ''}`),
    cancelOrder: (id: string, idempotencyKey: string) =>
      call<{ id: string; status: OrderStatus; version?: number }>(
        'POST',
        `/v1/orders/${encodeURIComponent(id)}/cancel`,
        undefined,
        idempotencyKey,
      ).then(remember),
    tickets: (status: TicketStatus) =>
      call<{ tickets: KitchenTicket[] }>('GET', `/v1/restaurant/tickets?status=${status}&limit=100`).then(
        (r) => r.tickets,
      ),
    acceptTicket: (id: string) =>
      call<KitchenTicket>('POST', `/v1/restaurant/tickets/${encodeURIComponent(id)}/accept`),
    readyTicket: (id: string) => call<KitchenTicket>('POST', `/v1/restaurant/tickets/${encodeURIComponent(id)}/ready`),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

// Canary personal data, and every flow that carries it through Ordo over HTTP: registration, a
// wrong and a right login, rejected requests, an order delivered end to end, an order cancelled,
// and the operators' reads. The personal-data tests run these on a shape whose output they
// capture, then look for the canaries everywhere output can go, and in every table and view
// the shape keeps (ADR 0023: the street, the name, the phone and the email are stored sealed only).
import { randomBytes } from 'node:crypto';
import { type Db, ident } from '@ordo/db';
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import { type Client, client } from './shapes.js';

const SLOW = { timeout: 90_000, interval: 200 };

/** Distinctive values: a hit in any output can only be a leak. */
export function canaries() {
  const tag = randomBytes(3).toString('hex');
  return {
    name: `Canary Zqxw${tag}`,
    email: `canary.zqxw${tag}@example.com`,
    // Digits only, as a phone number must be; still distinctive.
    phone: `+49 151 ${String(Number.parseInt(tag, 16)).padStart(8, '0')} 97531`,
    street: `Zqxwstrasse ${tag} 17`,
    paymentToken: `tok_zqxw${tag}visa`,
    password: `Zqxw-secret-${tag}`,
  };
}
export type Canaries = ReturnType<typeof canaries>;

/** Every canary value, and the marker all of them share, for a case-insensitive search. */
export function canaryNeedles(c: Canaries): string[] {
  return [...Object.values(c), 'zqxw'];
}

/** The canaries found in `text` (case-insensitive), with a little context for the failure message. */
export function findCanaries(text: string, c: Canaries): string[] {
  // A sealed value (ADR 0023) is random base64url: the four-letter marker turns up in one by
  // chance, case-insensitively about once in a million positions. Sealed values are what must
  // carry personal data, so they are left out of the search, not the other way round.
  const searched = text.replace(SEALED_VALUE, 'ordo1.(sealed)');
  const lower = searched.toLowerCase();
  return canaryNeedles(c).flatMap((needle) => {
    const at = lower.indexOf(needle.toLowerCase());
    return at < 0 ? [] : [`${needle}: …${searched.slice(Math.max(0, at - 120), at + 60)}…`];
  });
}

/** `ordo1.<purpose>.<kek id>.<data key id>.<wrapped data key>.<nonce‖ciphertext‖tag>`. */
const SEALED_VALUE = /\bordo1(?:\.[\w-]+){5}/g;

export interface Shown {
  /** Bodies of the answers operators and rejected clients got, as text. */
  bodies: string[];
}

interface Env {
  url: string;
  accounts: ReadonlyArray<{ email: string; password: string; role: string }>;
}

async function post(url: string, body: unknown, token?: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

async function login(env: Env, email: string, password: string): Promise<Client> {
  const res = await post(`${env.url}/v1/auth/login`, { email, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return client(env.url, (JSON.parse(res.text) as { accessToken: string }).accessToken);
}

async function loginAs(env: Env, role: string): Promise<Client> {
  const account = env.accounts.find((a) => a.role === role);
  if (!account) throw new Error(`no demo ${role}`);
  return login(env, account.email, account.password);
}

async function courierFor(env: Env, operator: Client, courierId: string): Promise<Client> {
  const { body } = await operator.get<{ couriers: Array<{ id: string; userId: string }> }>('/v1/couriers');
  const userId = body.couriers.find((c) => c.id === courierId)?.userId;
  for (const account of env.accounts.filter((a) => a.role === 'courier')) {
    const courier = await login(env, account.email, account.password);
    if ((await courier.get<{ id: string }>('/v1/me')).body.id === userId) return courier;
  }
  throw new Error(`no demo account for courier ${courierId}`);
}

async function placeOrder(customer: Client, c: Canaries): Promise<string> {
  const { body } = await customer.get<{ restaurants: Array<{ id: string; openNow: boolean }> }>('/v1/restaurants');
  const restaurantId = body.restaurants.find((r) => r.openNow)!.id;
  const menu = await customer.get<{ items: Array<{ id: string; available: boolean }> }>(
    `/v1/restaurants/${restaurantId}/menu`,
  );
  const menuItemId = menu.body.items.find((i) => i.available)!.id;
  let id = '';
  // The order service learns menus from events: a first order right after start may be refused.
  await expect
    .poll(async () => {
      const res = await customer.post<{ id: string }>('/v1/orders', {
        restaurantId,
        items: [{ menuItemId, quantity: 1 }],
        deliveryAddress: { line1: c.street, lat: 52.517123, lng: 13.389456 },
        contact: { name: c.name, phone: c.phone },
        paymentToken: c.paymentToken,
      });
      id = res.body.id;
      return res.status;
    }, SLOW)
    .toBe(202);
  return id;
}

async function statusOf(customer: Client, orderId: string): Promise<string> {
  return (await customer.get<{ status: string }>(`/v1/orders/${orderId}`)).body.status;
}

/** Runs every flow with the canaries; returns what operators and rejected clients were shown. */
export async function runCanaryFlows(env: Env, c: Canaries): Promise<Shown> {
  const bodies: string[] = [];
  const register = await post(`${env.url}/v1/auth/register`, { email: c.email, password: c.password, name: c.name });
  expect(register.status).toBe(201);
  // Rejected: a taken email, a wrong password, an invalid email, a body with personal data in odd places.
  const again = await post(`${env.url}/v1/auth/register`, { email: c.email, password: c.password, name: c.name });
  expect(again.status).toBe(409);
  const invalid = await post(`${env.url}/v1/auth/register`, { email: c.name, password: c.password });
  expect(invalid.status).toBe(400);
  bodies.push(again.text, invalid.text);

  const customer = await login(env, c.email, c.password);
  const bad = await customer.raw('/v1/orders', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      restaurantId: c.name,
      items: [{ menuItemId: c.email, quantity: 0 }],
      deliveryAddress: { line1: c.street, lat: 999, lng: 13.4, phone: c.phone },
      paymentToken: c.paymentToken,
      customerName: c.name,
    }),
  });
  expect(bad.status).toBe(400);
  bodies.push(JSON.stringify(bad.body));
  // A credential and an email in a query string: the request log must mask them.
  const query = await customer.get(
    `/v1/orders?limit=5&access_token=${c.paymentToken}&email=${encodeURIComponent(c.email)}`,
  );
  bodies.push(JSON.stringify(query.body));

  const operator = await loginAs(env, 'operator');
  const delivered = await placeOrder(customer, c);
  await expect.poll(() => statusOf(customer, delivered), SLOW).toBe('CONFIRMED');
  // The customer reads their address and contact back in clear: sealing is invisible to the API.
  const mine = await customer.get<{ courierId: string; deliveryAddress: unknown; contact: unknown }>(
    `/v1/orders/${delivered}`,
  );
  expect(mine.body).toMatchObject({
    deliveryAddress: { line1: c.street, lat: 52.517123, lng: 13.389456 },
    contact: { name: c.name, phone: c.phone },
  });
  const courierId = mine.body.courierId;
  const courier = await courierFor(env, operator, courierId);
  const { body: jobs } = await courier.get<{ current: { id: string; dropoff: unknown; contact: unknown } }>(
    '/v1/courier/jobs',
  );
  // The courier, whom the order is for, reads them too.
  expect(jobs.current).toMatchObject({ dropoff: { line1: c.street }, contact: { name: c.name, phone: c.phone } });
  for (const step of ['accept', 'picked-up', 'delivered']) {
    expect((await courier.post(`/v1/courier/deliveries/${jobs.current.id}/${step}`)).status).toBe(200);
  }
  await expect.poll(() => statusOf(customer, delivered), SLOW).toBe('DELIVERED');

  const cancelled = await placeOrder(customer, c);
  await expect.poll(() => statusOf(customer, cancelled), SLOW).toBe('CONFIRMED');
  expect((await customer.post(`/v1/orders/${cancelled}/cancel`)).status).toBe(202);
  await expect.poll(() => statusOf(customer, cancelled), SLOW).toBe('CANCELLED');

  for (const orderId of [delivered, cancelled]) {
    const saga = await operator.get<{ data: Record<string, unknown> }>(`/v1/ops/sagas/${orderId}`);
    expect(saga.status).toBe(200);
    // Masked: the operator still tells cards apart; the saga only ever held the address sealed.
    expect(saga.body.data).toMatchObject({ paymentToken: `tok_…${c.paymentToken.slice(-3)}` });
    expect(JSON.stringify(saga.body.data)).not.toContain('52.517');
    const payments = await operator.get(`/v1/ops/payments?orderId=${orderId}`);
    bodies.push(JSON.stringify(saga.body), JSON.stringify(payments.body));
  }
  const sagas = await operator.get('/v1/ops/sagas?limit=200');
  const couriers = await operator.get<{ couriers: Array<{ name: string }> }>('/v1/couriers');
  for (const { name } of couriers.body.couriers) expect(name).toMatch(/^(\p{Lu}\. ?)+$|^…$/u);
  bodies.push(JSON.stringify(sagas.body), JSON.stringify(couriers.body));
  // Last, so that the backoff it starts for the account delays no other step.
  const wrong = await post(`${env.url}/v1/auth/login`, { email: c.email, password: `${c.password}-wrong` });
  expect(wrong.status).toBe(401);
  bodies.push(wrong.text);
  return { bodies };
}

/** The values that must never be stored in clear (ADR 0023): the email too (sealed, found by a keyed hash). */
export function sealedCanaries(c: Canaries): string[] {
  return [c.street, c.name, c.phone, c.email];
}

function hitsIn(where: string, text: string, needles: readonly string[]): string[] {
  const lower = text.toLowerCase();
  return needles.flatMap((needle) => (lower.includes(needle.toLowerCase()) ? [`${where}: ${needle}`] : []));
}

/**
 * Every row of every table of every schema in `db`, as text, searched for the sealed canaries;
 * returns the hits and how many rows and tables were read (so a test can tell the scan was real).
 */
export async function findCanariesInDatabase(
  db: Db,
  c: Canaries,
): Promise<{ hits: string[]; tables: number; text: string }> {
  const { rows: tables } = await db.query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
     ORDER BY 1, 2`,
  );
  const hits: string[] = [];
  let text = '';
  for (const { schema, name } of tables) {
    const { rows } = await db.query<{ row: string }>(`SELECT t::text AS row FROM ${ident(schema)}.${ident(name)} t`);
    const dump = rows.map((r) => r.row).join('\n');
    text += `${dump}\n`;
    hits.push(...hitsIn(`${schema}.${name}`, dump, sealedCanaries(c)));
  }
  return { hits, tables: tables.length, text };
}

/** Every key under `prefix` in Redis (views, feeds, caches), dumped and searched for the sealed canaries. */
export async function findCanariesInRedis(
  redis: Redis,
  prefix: string,
  c: Canaries,
): Promise<{ hits: string[]; keys: number }> {
  const hits: string[] = [];
  let keys = 0;
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    for (const key of batch) {
      keys++;
      const type = await redis.type(key);
      const value =
        type === 'string'
          ? await redis.get(key)
          : type === 'hash'
            ? await redis.hgetall(key)
            : type === 'list'
              ? await redis.lrange(key, 0, -1)
              : type === 'set'
                ? await redis.smembers(key)
                : type === 'zset'
                  ? await redis.zrange(key, 0, -1)
                  : type === 'stream'
                    ? await redis.xrange(key, '-', '+')
                    : null;
      hits.push(...hitsIn(`redis ${key}`, JSON.stringify(value), sealedCanaries(c)));
    }
  } while (cursor !== '0');
  return { hits, keys };
}

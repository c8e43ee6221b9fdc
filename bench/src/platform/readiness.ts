// When a shape is ready for the benchmark: it answers GET /readyz with 200, and it accepts orders
// for the seeded restaurants.
import { setTimeout as delay } from 'node:timers/promises';
import type { HttpClient } from './http-client.js';
import { type ErrorBody, type MenuChoice, orderBody } from './menu.js';

export async function waitReady(http: HttpClient, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await http.get('/readyz').then(
      (res) => res.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`GET /readyz still answered ${status} after ${timeoutMs} ms`);
    await delay(200);
  }
}

/**
 * Waits until an order for each restaurant is accepted: the order service learns menus from
 * events, so right after a start it may still refuse them as UNKNOWN_RESTAURANT. Returns the ids
 * of the accepted probe orders.
 */
export async function waitOrderable(
  http: HttpClient,
  token: string,
  choices: readonly MenuChoice[],
  timeoutMs = 90_000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  const ids: string[] = [];
  const restaurants = new Map(choices.map((c) => [c.restaurantId, c]));
  for (const choice of restaurants.values()) {
    for (;;) {
      const res = await http.post<{ id: string } & ErrorBody>('/v1/orders', orderBody(choice), token);
      if (res.status === 202) {
        ids.push(res.body.id);
        break;
      }
      const code = res.body?.error?.code ?? '';
      if (!code.endsWith('UNKNOWN_RESTAURANT') && res.status < 500) {
        throw new Error(`a probe order answered ${res.status}: ${JSON.stringify(res.body)}`);
      }
      if (Date.now() > deadline) throw new Error(`orders were still refused after ${timeoutMs} ms (${code})`);
      await delay(200);
    }
  }
  return ids;
}

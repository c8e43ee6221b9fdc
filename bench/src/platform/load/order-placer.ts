// Places one order through the public API, as the next customer, for the next menu item, and
// hands it to the tracker: the promise settles when the order's saga has ended.
import type { OrderTracker, Outcome } from '../completion/tracker.js';
import type { Customers } from '../customers.js';
import type { HttpClient } from '../http-client.js';
import { type ErrorBody, type MenuChoice, orderBody } from '../menu.js';

/** The POST itself failed (not 202): the order never existed. */
export const PLACE_FAILED = 'PLACE_FAILED';

export type PlaceOrder = () => Promise<Outcome>;

export function orderPlacer(
  http: HttpClient,
  customers: Customers,
  choices: readonly MenuChoice[],
  tracker: OrderTracker,
): PlaceOrder {
  let next = 0;
  return async () => {
    const n = next++;
    const customer = n % customers.count;
    const body = orderBody(choices[n % choices.length] as MenuChoice);
    const sentAtMs = Date.now();
    const failed = (reason: string): Outcome => ({
      id: '',
      sentAtMs,
      status: PLACE_FAILED,
      reason,
      settledAtMs: undefined,
    });
    try {
      const res = await http.post<{ id: string } & ErrorBody>('/v1/orders', body, customers.token(customer));
      if (res.status !== 202) return failed(`HTTP ${res.status} ${res.body?.error?.code ?? ''}`.trim());
      return await tracker.track(res.body.id, sentAtMs, customer);
    } catch (error) {
      return failed((error as Error).message);
    }
  };
}

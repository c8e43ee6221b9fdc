// A restaurant's kitchen, run by one staff account: it watches for confirmed tickets, accepts
// each after a moment, cooks for a while, marks it ready and puts the order on the pickup shelf.
import type { ActorRuntime } from './actor-runtime.js';
import type { ApiClient } from './api-client.js';
import type { PickupShelf } from './pickup-shelf.js';

export interface KitchenPace {
  readonly pollIntervalMs: number;
  /** From seeing a confirmed ticket to accepting it, in milliseconds. */
  readonly acceptDelayMs: readonly [min: number, max: number];
  /** From accepting a ticket to marking it ready. */
  readonly cookMs: readonly [min: number, max: number];
}

interface Ticket {
  readonly id: string;
  readonly orderId: string;
  readonly status: string;
}

/**
 * Accepted tickets are cooked by the round that accepted them; every so many rounds the kitchen
 * also looks for accepted tickets nobody is cooking (a failed request, a restart of the demo).
 */
const LEFTOVER_CHECK_EVERY = 10;

export function startKitchen(runtime: ActorRuntime, api: ApiClient, shelf: PickupShelf, pace: KitchenPace): void {
  const actor = `kitchen:${api.email}`;
  const cooking = new Set<string>();
  let round = 0;

  async function cook(ticket: Ticket): Promise<void> {
    try {
      if (ticket.status === 'CONFIRMED') {
        await runtime.sleep(runtime.between(...pace.acceptDelayMs));
        await api.post(`/v1/restaurant/tickets/${encodeURIComponent(ticket.id)}/accept`);
      }
      await runtime.sleep(runtime.between(...pace.cookMs));
      await api.post(`/v1/restaurant/tickets/${encodeURIComponent(ticket.id)}/ready`);
      shelf.put(ticket.orderId);
    } finally {
      cooking.delete(ticket.id);
    }
  }

  async function watchTickets(): Promise<void> {
    const statuses = round++ % LEFTOVER_CHECK_EVERY === 0 ? ['CONFIRMED', 'ACCEPTED'] : ['CONFIRMED'];
    for (const status of statuses) {
      const { tickets } = await api.get<{ tickets: Ticket[] }>(`/v1/restaurant/tickets?status=${status}`);
      for (const ticket of tickets) {
        if (cooking.has(ticket.id)) continue;
        cooking.add(ticket.id);
        runtime.spawn(actor, () => cook(ticket));
      }
    }
  }

  runtime.loop(actor, pace.pollIntervalMs, watchTickets);
}

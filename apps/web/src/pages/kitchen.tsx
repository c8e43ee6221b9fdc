// The kitchen's board for restaurant staff: new tickets to accept, tickets cooking to mark
// ready, and what is waiting for a courier. Refreshed every few seconds.
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../api/client.js';
import { type KitchenTicket, type Restaurant, TicketStatus } from '../api/types.js';
import { Empty, ErrorBox, Loading } from '../components/states.js';
import { formatTime, shortId } from '../format.js';
import { api } from '../session.js';

const REFRESH_MS = 3000;
/** Ready tickets stay on the board this long (they leave with the courier). */
const READY_SHOWN_MS = 15 * 60_000;

interface Board {
  fresh: KitchenTicket[];
  cooking: KitchenTicket[];
  ready: KitchenTicket[];
}

async function loadBoard(): Promise<Board> {
  const [fresh, cooking, ready] = await Promise.all([
    api.tickets(TicketStatus.Confirmed),
    api.tickets(TicketStatus.Accepted),
    api.tickets(TicketStatus.Ready),
  ]);
  const oldestFirst = (a: KitchenTicket, b: KitchenTicket) => a.createdAt.localeCompare(b.createdAt);
  return {
    fresh: fresh.sort(oldestFirst),
    cooking: cooking.sort(oldestFirst),
    ready: ready
      .filter((t) => Date.now() - Date.parse(t.updatedAt) < READY_SHOWN_MS)
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
      .slice(0, 12),
  };
}

export function KitchenPage({ restaurants }: { restaurants: readonly Restaurant[] }) {
  const [board, setBoard] = useState<Board>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = async () => {
      try {
        const next = await loadBoard();
        if (live) {
          setBoard(next);
          setError(undefined);
        }
      } catch (e) {
        if (live) setError(e);
      }
      if (live) timer = setTimeout(refresh, REFRESH_MS);
    };
    void refresh();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [tick]);

  async function act(ticket: KitchenTicket, step: 'accept' | 'ready') {
    setBusy(ticket.id);
    setActionError(undefined);
    try {
      await (step === 'accept' ? api.acceptTicket(ticket.id) : api.readyTicket(ticket.id));
    } catch (e) {
      setActionError(describeError(e));
    }
    setBusy(undefined);
    setTick((n) => n + 1);
  }

  const restaurantName = (id: string) => restaurants.find((r) => r.id === id)?.name ?? id;
  const title = board
    ? [...new Set([...board.fresh, ...board.cooking, ...board.ready].map((t) => restaurantName(t.restaurantId)))][0]
    : undefined;

  const column = (
    id: string,
    heading: string,
    tickets: KitchenTicket[],
    action?: { label: string; step: 'accept' | 'ready' },
  ) => (
    <section class="board-column" aria-labelledby={id}>
      <h2 id={id}>
        {heading} <span class="count">{tickets.length}</span>
      </h2>
      {tickets.length === 0 ? (
        <p class="muted small">Nothing here.</p>
      ) : (
        <ul>
          {tickets.map((ticket) => (
            <li key={ticket.id} class="card ticket" data-ticket={ticket.id}>
              <div class="ticket-head">
                <strong>#{shortId(ticket.orderId)}</strong>
                <time class="muted small" dateTime={ticket.createdAt}>
                  {formatTime(ticket.createdAt).slice(0, 5)}
                </time>
              </div>
              <ul class="ticket-lines">
                {ticket.lines.map((line) => (
                  <li key={line.menuItemId}>
                    <span class="qty">{line.quantity}×</span> {line.name}
                  </li>
                ))}
              </ul>
              {action && (
                <button
                  type="button"
                  class="button button-primary button-block"
                  disabled={busy === ticket.id}
                  onClick={() => act(ticket, action.step)}
                >
                  {busy === ticket.id ? 'Saving…' : action.label}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );

  return (
    <>
      <div class="page-head">
        <h1>Kitchen tickets{title ? ` · ${title}` : ''}</h1>
        <p class="muted">New tickets appear here once the order is paid and a courier is on it.</p>
      </div>
      {actionError && (
        <p class="notice notice-error" role="alert">
          {actionError}
        </p>
      )}
      {!board && !error && <Loading label="Loading tickets…" />}
      {error !== undefined && <ErrorBox error={error} onRetry={() => setTick((n) => n + 1)} />}
      {board &&
        (board.fresh.length + board.cooking.length + board.ready.length === 0 ? (
          <Empty>No open tickets. New orders show up here on their own.</Empty>
        ) : (
          <div class="board">
            {column('col-new', 'New', board.fresh, { label: 'Accept', step: 'accept' })}
            {column('col-cooking', 'Cooking', board.cooking, { label: 'Mark ready', step: 'ready' })}
            {column('col-ready', 'Ready for pickup', board.ready)}
          </div>
        ))}
    </>
  );
}

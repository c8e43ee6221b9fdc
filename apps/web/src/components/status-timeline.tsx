// The order's way from placed to delivered, with the time of each step reached.
import { type Order, OrderStatus } from '../api/types.js';
import { formatTime, STATUS_LABEL } from '../format.js';

const HAPPY_PATH: readonly OrderStatus[] = [
  OrderStatus.ApprovalPending,
  OrderStatus.Confirmed,
  OrderStatus.PickedUp,
  OrderStatus.Delivered,
];

const DETAIL: Record<OrderStatus, string> = {
  [OrderStatus.ApprovalPending]: 'Checking with the kitchen, your card and the couriers',
  [OrderStatus.Confirmed]: 'The kitchen is on it and a courier is assigned',
  [OrderStatus.PickedUp]: 'Your food is on its way',
  [OrderStatus.Delivered]: 'Enjoy your meal',
  [OrderStatus.Rejected]: 'The order could not go through',
  [OrderStatus.Cancelled]: 'The order was cancelled',
};

/** When each status was reached: the server's timeline when it has one, else what the page saw. */
export function StatusTimeline({ order, seen }: { order: Order; seen: Partial<Record<OrderStatus, string>> }) {
  const at: Partial<Record<OrderStatus, string>> = { [OrderStatus.ApprovalPending]: order.createdAt, ...seen };
  for (const entry of order.timeline ?? []) at[entry.status] = entry.at;
  at[order.status] ??= order.updatedAt;

  const failed = order.status === OrderStatus.Rejected || order.status === OrderStatus.Cancelled;
  const reachedIndex = HAPPY_PATH.indexOf(order.status);
  const steps = failed ? [...HAPPY_PATH.filter((s, i) => i === 0 || at[s] !== undefined), order.status] : HAPPY_PATH;

  return (
    <ol class="timeline" aria-label="Order status">
      {steps.map((status, i) => {
        const current = status === order.status;
        const done = failed ? true : i <= reachedIndex;
        const time = at[status];
        return (
          <li
            key={status}
            class={`timeline-step${done ? ' is-done' : ''}${current ? ' is-current' : ''}${
              failed && current ? ' is-failed' : ''
            }`}
            aria-current={current ? 'step' : undefined}
            data-status={status}
          >
            <span class="timeline-dot" aria-hidden="true" />
            <div>
              <strong>{STATUS_LABEL[status]}</strong>
              {done && time && (
                <time class="muted" dateTime={time}>
                  {' '}
                  · {formatTime(time)}
                </time>
              )}
              <p class="muted small">{DETAIL[status]}</p>
            </div>
          </li>
        );
      })}
    </ol>
  );
}

export function StatusBadge({ status }: { status: OrderStatus }) {
  return (
    <span class={`badge badge-${status.toLowerCase().replace('_', '-')}`} data-testid="order-status">
      {STATUS_LABEL[status]}
    </span>
  );
}

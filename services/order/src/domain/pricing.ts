// Prices an order's lines from the order service's copy of the restaurant's menu; unknown and
// unavailable items are refused, all of them named at once.
import { AppError, Errors } from '@ordo/errors';
import type { MenuCopy } from '../data-access/menu.repository.js';
import type { OrderLine } from './order.js';

export function priceLines(
  menu: MenuCopy,
  requested: ReadonlyArray<{ menuItemId: string; quantity: number }>,
): OrderLine[] {
  const unknown = requested.filter((r) => !menu.items.has(r.menuItemId)).map((r) => r.menuItemId);
  if (unknown.length > 0) {
    throw new AppError(Errors.ORDER_UNKNOWN_ITEM, {
      details: { restaurantId: menu.restaurantId, menuItemIds: unknown },
    });
  }
  const unavailable = requested.filter((r) => !menu.items.get(r.menuItemId)?.available).map((r) => r.menuItemId);
  if (unavailable.length > 0) {
    throw new AppError(Errors.ORDER_ITEM_UNAVAILABLE, {
      details: { restaurantId: menu.restaurantId, menuItemIds: unavailable },
    });
  }
  return requested.map((r) => {
    const item = menu.items.get(r.menuItemId)!;
    return { menuItemId: r.menuItemId, name: item.name, quantity: r.quantity, priceCents: item.priceCents };
  });
}

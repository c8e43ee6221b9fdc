// Wraps the relay's publisher: every `menu_published` that leaves through this service's outbox
// drops that restaurant's cached menu everywhere. The instance that changed a menu has done so
// already, right after its commit; this also covers rows written by other processes (the cluster's
// demo seed writes through the service's code but from a process of its own).
import { RestaurantEvents } from '@ordo/contracts-restaurant';
import type { Publisher, TransportMessage } from '@ordo/messaging';

export function invalidatingMenus(
  publisher: Publisher,
  changed: (restaurantIds: string[]) => Promise<void>,
): Publisher {
  const menus = (messages: readonly TransportMessage[]) => [
    ...new Set(messages.filter((m) => m.type === RestaurantEvents.menuPublished.type).map((m) => m.key)),
  ];
  return {
    logDatabase: publisher.logDatabase,
    publishWithin: publisher.publishWithin
      ? async (tx, messages, options) => {
          await publisher.publishWithin?.(tx, messages, options);
          const ids = menus(messages);
          if (ids.length === 0) return;
          // The menu rows committed long before; waiting for the relay's own commit is not needed,
          // but it is cheap, and keeps the drop after the event is durable.
          if (tx.afterCommit) tx.afterCommit(() => void changed(ids));
          else await changed(ids);
        }
      : undefined,
    async publish(messages) {
      await publisher.publish(messages);
      const ids = menus(messages);
      if (ids.length > 0) await changed(ids);
    },
    close: () => publisher.close(),
  };
}

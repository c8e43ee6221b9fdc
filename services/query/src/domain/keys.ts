// Names of views, sources and indexes in the read store. A view combines several aggregates;
// each aggregate is a source with its own version (the envelope's seq for its key), see ADR 0012.

export const ViewKey = {
  order: (orderId: string) => `order:${orderId}`,
  restaurant: (restaurantId: string) => `restaurant:${restaurantId}`,
  staff: (userId: string) => `staff:${userId}`,
} as const;

export const Source = {
  order: (orderId: string) => `order:${orderId}`,
  ticket: (ticketId: string) => `ticket:${ticketId}`,
  delivery: (deliveryId: string) => `delivery:${deliveryId}`,
  payment: (paymentId: string) => `payment:${paymentId}`,
  restaurant: (restaurantId: string) => `restaurant:${restaurantId}`,
  staff: (userId: string) => `staff:${userId}`,
} as const;

export const IndexName = {
  /** A customer's orders; members `<placed at>:<order id>`, newest first. */
  history: (customerId: string) => `history:${customerId}`,
  /** A restaurant's open tickets; members `<opened at>:<order id>`. */
  board: (restaurantId: string) => `board:${restaurantId}`,
  /** A courier's active job (at most one in practice); members `<assigned at>:<order id>`. */
  courierJob: (courierUserId: string) => `courier-job:${courierUserId}`,
} as const;

/** A sortable index member: the time, fixed-width, then the order id. */
export function timeMember(at: string, orderId: string): string {
  return `${String(Date.parse(at)).padStart(15, '0')}:${orderId}`;
}

export function orderIdOfMember(member: string): string {
  return member.slice(member.indexOf(':') + 1);
}

// Reads and writes kitchen tickets, and the per-order lock the saga commands take.
import type { SqlExecutor } from '@ordo/db';
import type { Selectable } from 'kysely';
import type { Ticket, TicketStatus } from '../domain/ticket.js';
import { q, type TicketsTable } from './tables.js';

function toTicket(row: Selectable<TicketsTable>): Ticket {
  return {
    id: row.id,
    orderId: row.order_id,
    restaurantId: row.restaurant_id,
    status: row.status,
    lines: row.lines,
    correlationId: row.correlation_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Serializes the saga commands of one order (create, cancel, confirm) even when no ticket row
 * exists yet to lock, so a cancel and a create of the same order cannot both miss each other.
 */
export async function lockOrder(tx: SqlExecutor, orderId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ordo.restaurant.order:${orderId}`]);
}

export async function findTicketByOrder(
  executor: SqlExecutor,
  orderId: string,
  options: { lock?: boolean } = {},
): Promise<Ticket | undefined> {
  const select = q(executor).selectFrom('tickets').selectAll().where('order_id', '=', orderId);
  const row = await (options.lock ? select.forUpdate() : select).executeTakeFirst();
  return row && toTicket(row);
}

/** The ticket if it belongs to one of the restaurants `userId` works at; `lock` holds its row. */
export async function findStaffTicket(
  executor: SqlExecutor,
  ticketId: string,
  userId: string,
  options: { lock?: boolean } = {},
): Promise<Ticket | undefined> {
  const select = q(executor)
    .selectFrom('tickets')
    .selectAll()
    .where('id', '=', ticketId)
    .where('restaurant_id', 'in', (eb) =>
      eb.selectFrom('restaurant_staff').select('restaurant_id').where('user_id', '=', userId),
    );
  const row = await (options.lock ? select.forUpdate() : select).executeTakeFirst();
  return row && toTicket(row);
}

/** Tickets of the restaurants `userId` works at, oldest first (the kitchen's queue order). */
export async function listStaffTickets(
  executor: SqlExecutor,
  userId: string,
  filter: { status?: TicketStatus; limit: number },
): Promise<Ticket[]> {
  let select = q(executor)
    .selectFrom('tickets')
    .selectAll()
    .where('restaurant_id', 'in', (eb) =>
      eb.selectFrom('restaurant_staff').select('restaurant_id').where('user_id', '=', userId),
    );
  if (filter.status) select = select.where('status', '=', filter.status);
  const rows = await select.orderBy('created_at').orderBy('id').limit(filter.limit).execute();
  return rows.map(toTicket);
}

export async function insertTicket(tx: SqlExecutor, ticket: Ticket): Promise<void> {
  await q(tx)
    .insertInto('tickets')
    .values({
      id: ticket.id,
      order_id: ticket.orderId,
      restaurant_id: ticket.restaurantId,
      status: ticket.status,
      lines: JSON.stringify(ticket.lines),
      correlation_id: ticket.correlationId,
      created_at: ticket.createdAt,
      updated_at: ticket.updatedAt,
    })
    .execute();
}

export async function updateTicketStatus(tx: SqlExecutor, ticket: Ticket): Promise<void> {
  await q(tx)
    .updateTable('tickets')
    .set({ status: ticket.status, updated_at: ticket.updatedAt })
    .where('id', '=', ticket.id)
    .execute();
}

export async function recordCancelledOrder(tx: SqlExecutor, orderId: string, at: Date): Promise<void> {
  await q(tx)
    .insertInto('cancelled_orders')
    .values({ order_id: orderId, cancelled_at: at })
    .onConflict((oc) => oc.column('order_id').doNothing())
    .execute();
}

export async function isOrderCancelled(executor: SqlExecutor, orderId: string): Promise<boolean> {
  const row = await q(executor)
    .selectFrom('cancelled_orders')
    .select('order_id')
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  return row !== undefined;
}

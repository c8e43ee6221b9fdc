// Completion in the Postgres shapes: one indexed read of the order service's own table for every
// order in flight (by primary key), on one connection of its own, with a prepared statement.
import { OrderStatus } from '@ordo/contracts-order';
import { ORDER_SCHEMA } from '@ordo/order';
import pg from 'pg';
import { BENCH_APPLICATION } from '../meter/pg-stats.js';
import type { StatusRow, StatusSource } from './tracker.js';

export async function pgStatusSource(orderDatabaseUrl: string, schema = ORDER_SCHEMA): Promise<StatusSource> {
  const client = new pg.Client({ connectionString: orderDatabaseUrl, application_name: `${BENCH_APPLICATION}-poller` });
  await client.connect();
  // By primary key, always: a plan made while the table was small (a sequential scan, kept as the
  // statement's generic plan) would read every order at every poll, and the server's CPU it costs
  // would be counted as the saga's.
  await client.query('SET enable_seqscan = off');
  const text = `SELECT id::text AS id, status, rejection_reason,
                       (extract(epoch FROM updated_at) * 1000)::float8 AS updated_ms
                FROM "${schema}".orders WHERE id = ANY($1::uuid[]) AND status <> '${OrderStatus.ApprovalPending}'`;
  let statements = 0;
  return {
    description: `one SELECT by id on "${schema}".orders for all orders in flight`,
    get statements() {
      return statements;
    },
    async read(pending) {
      statements++;
      const { rows } = await client.query<{
        id: string;
        status: string;
        rejection_reason: string | null;
        updated_ms: number;
      }>({ name: 'ordo_bench_status', text, values: [[...pending.keys()]] });
      return rows.map(
        (r): StatusRow => ({ id: r.id, status: r.status, reason: r.rejection_reason, updatedAtMs: r.updated_ms }),
      );
    },
    close: () => client.end(),
  };
}

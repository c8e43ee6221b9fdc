// The service the kernel benchmark drives: an `orders` table written with one outbox event per
// transaction, and an `order_views` projection a consumer fills (inbox + effect).
import { type Db, migrate, type SqlExecutor } from '@ordo/db';
import { consumerMigrations, SchemaRegistry } from '@ordo/messaging';
import { OutboxWriter, outboxMigrations } from '@ordo/outbox';
import { z } from 'zod';

export const SCHEMA = 'bench';
export const EVENT = 'bench.order_placed.v1';
export const payloadSchema = z.object({
  orderId: z.string(),
  customer: z.number().int(),
  totalCents: z.number().int(),
});

export async function migrateBenchService(db: Db): Promise<void> {
  await migrate(db, SCHEMA, [
    ...outboxMigrations,
    ...consumerMigrations,
    {
      id: 'bench_0001_orders',
      sql: `CREATE TABLE {{schema}}.orders (id uuid PRIMARY KEY, customer int NOT NULL, total_cents int NOT NULL,
              created_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE {{schema}}.order_views (order_id uuid PRIMARY KEY, customer int NOT NULL, total_cents int NOT NULL)`,
    },
  ]);
}

export function benchRegistry(): SchemaRegistry {
  return new SchemaRegistry().register(EVENT, payloadSchema);
}

/** The producer transaction: the business row and its outbox row, committed together. */
export async function placeOrder(db: Db, writer: OutboxWriter, topic: string): Promise<string> {
  const orderId = crypto.randomUUID();
  const customer = 1 + Math.floor(Math.random() * 1_000);
  const envelopes = await db.transaction(async (tx) => {
    await tx.query(`INSERT INTO ${SCHEMA}.orders (id, customer, total_cents) VALUES ($1, $2, $3)`, [
      orderId,
      customer,
      1_234,
    ]);
    return writer.write(tx, [{ topic, type: EVENT, key: orderId, payload: { orderId, customer, totalCents: 1_234 } }]);
  });
  return envelopes[0]!.id;
}

/** The consumer's effect: one projection row. */
export async function projectOrder(
  tx: SqlExecutor,
  payload: { orderId: string; customer: number; totalCents: number },
): Promise<void> {
  await tx.query(`INSERT INTO ${SCHEMA}.order_views (order_id, customer, total_cents) VALUES ($1, $2, $3)`, [
    payload.orderId,
    payload.customer,
    payload.totalCents,
  ]);
}

/** The producer transaction as a pgbench script, with the outbox statement the writer runs. */
export function pgbenchScript(writer: OutboxWriter, topic: string): string {
  const literals: Record<string, string> = {
    '$1::text[]': 'ARRAY[gen_random_uuid()::text]',
    '$2::text[]': `ARRAY['${topic}']`,
    '$3::text[]': `ARRAY['${EVENT}']`,
    '$4::text[]': 'ARRAY[gen_random_uuid()::text]',
    '$5::timestamptz[]': 'ARRAY[now()]',
    '$6::text[]': 'ARRAY[gen_random_uuid()::text]',
    '$7::text[]': 'ARRAY[NULL::text]',
    '$8::text[]': 'ARRAY[NULL::text]',
    '$9::text[]': `ARRAY['{"orderId":"00000000-0000-0000-0000-000000000000","customer":1,"totalCents":1234}']`,
  };
  let outbox = writer.sql;
  for (const [param, literal] of Object.entries(literals)) outbox = outbox.replace(param, literal);
  return [
    '\\set customer random(1, 1000)',
    'BEGIN;',
    `INSERT INTO ${SCHEMA}.orders (id, customer, total_cents) VALUES (gen_random_uuid(), :customer, 1234);`,
    `${outbox.replace(/\s+/g, ' ').trim()};`,
    'COMMIT;',
    '',
  ].join('\n');
}

export function newWriter(): OutboxWriter {
  return new OutboxWriter(SCHEMA);
}

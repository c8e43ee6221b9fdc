// Reads and writes of charges and their operations. Writers take the transaction they join.
import type { SqlExecutor } from '@ordo/db';
import type { Selectable } from 'kysely';
import type { Charge, ChargeOperation, ChargeWithOperations } from '../domain/charge.js';
import { pspSimDb } from './psp-sim.db.js';
import type { ChargeOperationsTable, ChargesTable } from './tables.js';

function toCharge(row: Selectable<ChargesTable>): Charge {
  return {
    id: row.id,
    orderId: row.order_id,
    currency: row.currency,
    status: row.status,
    amountCents: row.amount_cents,
    capturedCents: row.captured_cents,
    refundedCents: row.refunded_cents,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

function toOperation(row: Selectable<ChargeOperationsTable>): ChargeOperation {
  return {
    id: row.id,
    chargeId: row.charge_id,
    kind: row.kind,
    amountCents: row.amount_cents,
    idempotencyKey: row.idempotency_key,
    createdAt: new Date(row.created_at),
  };
}

export async function insertCharge(tx: SqlExecutor, charge: Charge): Promise<void> {
  await pspSimDb(tx)
    .insertInto('charges')
    .values({
      id: charge.id,
      order_id: charge.orderId,
      currency: charge.currency,
      status: charge.status,
      amount_cents: charge.amountCents,
      captured_cents: charge.capturedCents,
      refunded_cents: charge.refundedCents,
      created_at: charge.createdAt.toISOString(),
      updated_at: charge.updatedAt.toISOString(),
    })
    .execute();
}

export async function updateCharge(tx: SqlExecutor, charge: Charge): Promise<void> {
  await pspSimDb(tx)
    .updateTable('charges')
    .set({
      status: charge.status,
      captured_cents: charge.capturedCents,
      refunded_cents: charge.refundedCents,
      updated_at: charge.updatedAt.toISOString(),
    })
    .where('id', '=', charge.id)
    .execute();
}

/** The charge, locked until the transaction ends, so concurrent operations on it serialize. */
export async function findChargeForUpdate(tx: SqlExecutor, id: string): Promise<Charge | undefined> {
  const row = await pspSimDb(tx).selectFrom('charges').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return row ? toCharge(row) : undefined;
}

export async function insertOperation(tx: SqlExecutor, operation: ChargeOperation): Promise<void> {
  await pspSimDb(tx)
    .insertInto('charge_operations')
    .values({
      id: operation.id,
      charge_id: operation.chargeId,
      kind: operation.kind,
      amount_cents: operation.amountCents,
      idempotency_key: operation.idempotencyKey,
      created_at: operation.createdAt.toISOString(),
    })
    .execute();
}

export interface ChargePageQuery {
  readonly orderId?: string;
  /** Keyset cursor: only charges with a greater id. */
  readonly after?: string;
  readonly limit: number;
}

/** Charges in id order (ids are time-ordered), each with its operations in order. */
export async function listCharges(db: SqlExecutor, query: ChargePageQuery): Promise<ChargeWithOperations[]> {
  let select = pspSimDb(db).selectFrom('charges').selectAll().orderBy('id').limit(query.limit);
  if (query.orderId !== undefined) select = select.where('order_id', '=', query.orderId);
  if (query.after !== undefined) select = select.where('id', '>', query.after);
  const charges = (await select.execute()).map(toCharge);
  return withOperations(db, charges);
}

export async function findCharge(db: SqlExecutor, id: string): Promise<ChargeWithOperations | undefined> {
  const row = await pspSimDb(db).selectFrom('charges').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const [charge] = await withOperations(db, [toCharge(row)]);
  return charge;
}

async function withOperations(db: SqlExecutor, charges: Charge[]): Promise<ChargeWithOperations[]> {
  if (charges.length === 0) return [];
  const rows = await pspSimDb(db)
    .selectFrom('charge_operations')
    .selectAll()
    .where(
      'charge_id',
      'in',
      charges.map((c) => c.id),
    )
    .orderBy('charge_id')
    .orderBy('id')
    .execute();
  const byCharge = new Map<string, ChargeOperation[]>();
  for (const row of rows) {
    const list = byCharge.get(row.charge_id) ?? [];
    list.push(toOperation(row));
    byCharge.set(row.charge_id, list);
  }
  return charges.map((charge) => ({ ...charge, operations: byCharge.get(charge.id) ?? [] }));
}

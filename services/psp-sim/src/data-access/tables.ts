// The psp-sim tables as Kysely sees them. Timestamps are written as ISO text, read as Dates;
// bigints come back as numbers (the Db adapters parse int8).
import type { ColumnType } from 'kysely';
import type { ChargeStatus, OperationKind } from '../domain/charge.js';

type Timestamp = ColumnType<Date, string, string>;

export interface ChargesTable {
  id: string;
  order_id: string;
  currency: string;
  status: ChargeStatus;
  amount_cents: number;
  captured_cents: number;
  refunded_cents: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ChargeOperationsTable {
  id: string;
  charge_id: string;
  kind: OperationKind;
  amount_cents: number;
  idempotency_key: string;
  created_at: Timestamp;
}

export interface IdempotencyKeysTable {
  key: string;
  fingerprint: string;
  response_status: number;
  response_body: string;
  created_at: Timestamp;
}

export interface PspSimTables {
  charges: ChargesTable;
  charge_operations: ChargeOperationsTable;
  idempotency_keys: IdempotencyKeysTable;
}

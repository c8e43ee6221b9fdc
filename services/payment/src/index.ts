export { paymentMigrations } from './data-access/migrations.js';
export { PspClient, type PspClientOptions, PspUnavailableError } from './data-access/psp.client.js';
export { OperationKind, OperationStatus, PaymentStatus } from './domain/payment.js';
export { type Mismatch, MismatchKind } from './domain/reconciliation.js';
export { createPaymentService, PAYMENT_SCHEMA, type PaymentService } from './main.js';
export type { PaymentCaller, PaymentHttpAccess, PaymentRole, PaymentServiceOptions } from './options.js';
export { AFTER_PSP_CALL } from './use-cases/process-operation.use-case.js';
export type { ReconciliationReport } from './use-cases/reconcile.js';

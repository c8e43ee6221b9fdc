// What the payment use cases need, built once in main.ts.
import type { Db } from '@ordo/db';
import type { Faults } from '@ordo/faults';
import type { Logger } from '@ordo/logger';
import type { OutboxWriter } from '@ordo/outbox';
import type { CommandReplier } from '@ordo/participant';
import type { AttemptRepository } from '../data-access/attempt.repository.js';
import type { LedgerRepository } from '../data-access/ledger.repository.js';
import type { OperationRepository } from '../data-access/operation.repository.js';
import type { PaymentRepository } from '../data-access/payment.repository.js';
import type { PspClient } from '../data-access/psp.client.js';
import type { ReconciliationRepository } from '../data-access/reconciliation.repository.js';
import type { PaymentSettings } from '../options.js';

export interface PaymentDeps {
  readonly db: Db;
  readonly now: () => Date;
  readonly settings: PaymentSettings;
  readonly payments: PaymentRepository;
  readonly operations: OperationRepository;
  readonly attempts: AttemptRepository;
  readonly ledger: LedgerRepository;
  readonly reconciliations: ReconciliationRepository;
  readonly writer: OutboxWriter;
  readonly replier: CommandReplier;
  readonly psp: PspClient;
  readonly faults: Faults;
  readonly logger: Logger;
}

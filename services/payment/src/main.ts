// The payment service's composition root: its tables, the command consumer, the PSP worker,
// the outbox relay, the reconciliation schedule and the operator routes, wired from the
// context the host hands over. Nothing here reads env vars.
import { AuditTopics } from '@ordo/contracts-audit';
import { PaymentTopics } from '@ordo/contracts-payment';
import { consumerMigrations } from '@ordo/messaging';
import { OutboxRelay, OutboxWriter, outboxMigrations } from '@ordo/outbox';
import { CommandReplier, participantMigrations } from '@ordo/participant';
import type { OrdoService, ServiceContext } from '@ordo/service-kit';
import { AttemptRepository } from './data-access/attempt.repository.js';
import { LedgerRepository } from './data-access/ledger.repository.js';
import { paymentMigrations } from './data-access/migrations.js';
import { OperationRepository } from './data-access/operation.repository.js';
import { PaymentRepository } from './data-access/payment.repository.js';
import { PspClient } from './data-access/psp.client.js';
import { ReconciliationRepository } from './data-access/reconciliation.repository.js';
import { paymentOpsApi } from './entry-points/http/payment-ops.api.js';
import { paymentOpsRoutes } from './entry-points/http/payment-ops.routes.js';
import { createPaymentCommandConsumer } from './entry-points/messaging/payment-commands.consumer.js';
import { type PaymentServiceOptions, parseSettings } from './options.js';
import type { PaymentDeps } from './use-cases/payment.deps.js';
import { PspWorker } from './use-cases/psp-worker.js';
import { type ReconciliationReport, reconcile } from './use-cases/reconcile.js';

export const PAYMENT_SCHEMA = 'payment';

export interface PaymentService extends OrdoService {
  /** Runs reconciliation now (one run at a time; a second caller shares the running one). */
  reconcile(requestedBy?: string): Promise<ReconciliationReport>;
  /** The PSP worker, for operators' tooling and tests (`runOnce`, `poke`). */
  readonly worker: PspWorker;
  /** The command consumer (dead letters: replay needs `{ confirm: true }`). */
  readonly consumer: ReturnType<typeof createPaymentCommandConsumer>;
}

export function createPaymentService(context: ServiceContext, options: PaymentServiceOptions): PaymentService {
  const settings = parseSettings(options);
  const schema = PAYMENT_SCHEMA;
  const logger = context.logger.child({ service: 'payment' });
  const writer = new OutboxWriter(schema);
  const deps: PaymentDeps = {
    db: context.db,
    now: context.now,
    settings,
    payments: new PaymentRepository(schema),
    operations: new OperationRepository(schema),
    attempts: new AttemptRepository(schema),
    ledger: new LedgerRepository(schema),
    reconciliations: new ReconciliationRepository(schema),
    writer,
    replier: new CommandReplier(schema, writer, PaymentTopics.replies),
    psp: new PspClient({
      baseUrl: settings.pspBaseUrl,
      callTimeoutMs: settings.pspCallTimeoutMs,
      maxTries: settings.pspMaxTries,
      retryInitialDelayMs: settings.pspRetryInitialDelayMs,
      retryMaxDelayMs: settings.pspRetryMaxDelayMs,
      breakerThreshold: settings.breakerThreshold,
      breakerHalfOpenAfterMs: settings.breakerHalfOpenAfterMs,
    }),
    faults: context.faults,
    logger,
  };
  deps.psp.breaker.onBreak(() => logger.warn('PSP circuit breaker opened: payment operations are queued'));
  deps.psp.breaker.onReset(() => logger.info('PSP circuit breaker closed'));

  const worker = new PspWorker(deps);
  const consumer = createPaymentCommandConsumer(deps, {
    schema,
    transport: context.transport,
    faults: context.faults,
    logger,
    onProcessed: () => worker.poke(),
  });
  const relay = new OutboxRelay({
    db: context.db,
    schema,
    publisher: context.transport,
    writer,
    faults: context.faults,
    logger,
  });

  let running: Promise<ReconciliationReport> | undefined;
  const reconcileNow = (requestedBy = 'system'): Promise<ReconciliationReport> => {
    running ??= reconcile(deps, requestedBy).finally(() => {
      running = undefined;
    });
    return running;
  };
  let schedule: NodeJS.Timeout | undefined;

  return {
    name: 'payment',
    schema,
    migrations: [...outboxMigrations, ...consumerMigrations, ...participantMigrations, ...paymentMigrations],
    routes: paymentOpsRoutes({ deps, access: options.access, reconcile: reconcileNow }),
    api: paymentOpsApi,
    worker,
    consumer,
    reconcile: reconcileNow,
    async start() {
      for (const topic of Object.values(PaymentTopics)) await context.transport.ensureTopic(topic);
      await context.transport.ensureTopic(AuditTopics.events);
      await relay.start();
      await consumer.start();
      worker.start();
      if (settings.reconciliationIntervalMs > 0) {
        schedule = setInterval(() => {
          reconcileNow('schedule').catch((err) => logger.warn({ err }, 'scheduled reconciliation failed'));
        }, settings.reconciliationIntervalMs);
        schedule.unref();
      }
    },
    async stop() {
      clearInterval(schedule);
      // Commands first (they feed the worker), then the worker's calls, then the replies they wrote.
      await consumer.stop();
      await worker.stop();
      await running?.catch(() => {});
      await relay.stop();
    },
  };
}

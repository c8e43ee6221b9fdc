// Component-test harness: the payment service on a real database and the pglog transport, with
// its routes in an Ordo HTTP app, a settable clock, and the real PSP simulator listening on a
// port of its own (driven only through its HTTP API, as the service is).

import { PaymentCommands, PaymentTopics } from '@ordo/contracts-payment';
import { type Db, migrate } from '@ordo/db';
import { Faults } from '@ordo/faults';
import { createHttpApp } from '@ordo/http';
import { silentLogger } from '@ordo/logger';
import { type Envelope, newMessageId, toTransportMessage } from '@ordo/messaging';
import { publishedEnvelopes } from '@ordo/testing';
import { createPglogTransport, type PglogTransport } from '@ordo/transport-pglog';
import type { FastifyInstance } from 'fastify';
import { createPaymentService, type PaymentService, type PaymentServiceOptions } from '../../src/index.js';
import { testAccess } from './test-access.js';

export interface TestClock {
  now(): Date;
  advance(ms: number): void;
}

export function testClock(): TestClock {
  let current = Date.now();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
  };
}

export interface StoredReply {
  readonly type: string;
  readonly payload: Record<string, unknown> & { sagaId: string; commandId: string };
}

export type ServiceOptions = Omit<PaymentServiceOptions, 'pspBaseUrl' | 'access'>;

/** Fast settings for tests: short polls, retries and breaker pauses; the clock is injected. */
export const testOptions: ServiceOptions = {
  pspCallTimeoutMs: 1_000,
  pspMaxTries: 3,
  pspRetryInitialDelayMs: 5,
  pspRetryMaxDelayMs: 20,
  breakerThreshold: 5,
  breakerHalfOpenAfterMs: 150,
  authorizeDeadlineMs: 60_000,
  captureDeadlineMs: 120_000,
  voidDeadlineMs: 120_000,
  refundDeadlineMs: 120_000,
  workerPollIntervalMs: 20,
  workerLeaseMs: 10_000,
  queuedRetryBaseMs: 100,
  queuedRetryMaxMs: 400,
  reconciliationIntervalMs: 0,
};

export interface PaymentHarness {
  readonly db: Db;
  readonly clock: TestClock;
  readonly faults: Faults;
  readonly transport: PglogTransport;
  service: PaymentService;
  app: FastifyInstance;
  /** Publishes a saga command as the order service's outbox would (next seq of the saga). */
  send(type: string, payload: Record<string, unknown>, options?: { envelopeId?: string }): Promise<Envelope>;
  /** Replies published so far for `commandId` (read from the log), oldest first. */
  replies(commandId: string): Promise<StoredReply[]>;
  /** Waits until `commandId` has a reply; returns the first. Advances the clock when asked to. */
  reply(commandId: string, options?: { advanceMs?: number; timeoutMs?: number }): Promise<StoredReply>;
  events(type: string): Promise<Record<string, unknown>[]>;
  /** Stops and starts the service again, as a restarted process would (same database). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startPayment(
  db: Db,
  pspUrl: string,
  options: ServiceOptions = {},
  clock: TestClock = testClock(),
): Promise<PaymentHarness> {
  const faults = new Faults();
  const transport = await createPglogTransport({ db, pollIntervalMs: 20, pruneIntervalMs: 0 });
  const seqs = new Map<string, number>();
  const build = async () => {
    const service = createPaymentService(
      { db, transport, logger: silentLogger, faults, now: clock.now },
      { ...testOptions, ...options, pspBaseUrl: pspUrl, access: testAccess },
    );
    await migrate(db, service.schema, service.migrations);
    const app = await createHttpApp();
    await app.register(service.routes);
    await app.ready();
    await service.start();
    return { service, app };
  };
  const built = await build();

  const harness: PaymentHarness = {
    db,
    clock,
    faults,
    transport,
    service: built.service,
    app: built.app,
    async send(type, payload, sendOptions = {}) {
      const key = String(payload.sagaId);
      const seq = (seqs.get(key) ?? 0) + 1;
      seqs.set(key, seq);
      const envelope: Envelope = {
        id: sendOptions.envelopeId ?? newMessageId(),
        type,
        key,
        seq,
        occurredAt: new Date().toISOString(),
        correlationId: `corr-${key}`,
        causationId: null,
        traceparent: null,
        payload,
      };
      await transport.publish([toTransportMessage(PaymentTopics.commands, envelope)]);
      return envelope;
    },
    async replies(commandId) {
      const replies = await publishedEnvelopes(db, PaymentTopics.replies);
      return replies
        .map((e) => ({ type: e.type, payload: e.payload as StoredReply['payload'] }))
        .filter((reply) => reply.payload.commandId === commandId);
    },
    async reply(commandId, replyOptions = {}) {
      const deadline = Date.now() + (replyOptions.timeoutMs ?? 15_000);
      for (;;) {
        const [first] = await harness.replies(commandId);
        if (first) return first;
        if (Date.now() > deadline) throw new Error(`no reply to ${commandId}`);
        if (replyOptions.advanceMs) {
          clock.advance(replyOptions.advanceMs);
          harness.service.worker.poke();
        }
        await sleep(25);
      }
    },
    async events(type) {
      const events = await publishedEnvelopes(db, PaymentTopics.events);
      return events.filter((e) => e.type === type).map((e) => e.payload as Record<string, unknown>);
    },
    async restart() {
      await harness.app.close();
      await harness.service.stop();
      const next = await build();
      harness.service = next.service;
      harness.app = next.app;
    },
    async close() {
      await harness.app.close();
      await harness.service.stop();
      await transport.close();
    },
  };
  return harness;
}

let counter = 0;

/** A fresh saga and order for one scenario. */
export function scenario(name: string) {
  counter++;
  const orderId = `order-${name}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
  const sagaId = `saga-${orderId}`;
  const commandId = (step: string) => `${sagaId}:${step}`;
  return {
    orderId,
    sagaId,
    commandId,
    authorize: (amountCents = 2_500, paymentToken = 'tok_visa', step = 'authorize') => ({
      type: PaymentCommands.authorize.type,
      payload: {
        sagaId,
        commandId: commandId(step),
        orderId,
        customerId: 'customer-1',
        amountCents,
        currency: 'EUR',
        paymentToken,
      },
    }),
    capture: (amountCents: number, step = 'capture') => ({
      type: PaymentCommands.capture.type,
      payload: { sagaId, commandId: commandId(step), orderId, amountCents },
    }),
    void: (step = 'void') => ({
      type: PaymentCommands.void.type,
      payload: { sagaId, commandId: commandId(step), orderId },
    }),
    refund: (amountCents: number, step = 'refund') => ({
      type: PaymentCommands.refund.type,
      payload: { sagaId, commandId: commandId(step), orderId, amountCents },
    }),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Retries `check` until it passes or `timeoutMs` runs out (then its last error is thrown). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(25);
    }
  }
}

export async function paymentRow(db: Db, orderId: string) {
  const { rows } = await db.query<Record<string, unknown>>(`SELECT * FROM payment.payments WHERE order_id = $1`, [
    orderId,
  ]);
  return rows;
}

/** Sum of every ledger journal's lines, per journal; all must be 0. */
export async function ledgerSums(db: Db, orderId: string): Promise<Record<string, number>> {
  const { rows } = await db.query<{ journal: string; sum: number }>(
    `SELECT journal, sum(amount_cents)::bigint AS sum FROM payment.ledger WHERE order_id = $1 GROUP BY journal`,
    [orderId],
  );
  return Object.fromEntries(rows.map((r) => [r.journal, Number(r.sum)]));
}

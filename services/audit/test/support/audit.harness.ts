// Component-test harness: the audit service on a real database and the pglog transport, its
// routes in an Ordo HTTP app, and audit events published as the emitters' outbox relays would.
import { AuditEvents, type AuditRecorded, AuditTopics } from '@ordo/contracts-audit';
import { type Db, migrate } from '@ordo/db';
import { noFaults } from '@ordo/faults';
import { createHttpApp } from '@ordo/http';
import { silentLogger } from '@ordo/logger';
import { type Envelope, newMessageId, toTransportMessage } from '@ordo/messaging';
import { testFieldKeys } from '@ordo/testing';
import { createPglogTransport, type PglogTransport } from '@ordo/transport-pglog';
import type { FastifyInstance } from 'fastify';
import {
  AUDIT_SCHEMA,
  type AuditEntry,
  AuditLogRepository,
  type AuditService,
  type Checkpoint,
  createAuditService,
} from '../../src/index.js';
import { testAuth } from './test-auth.js';

export interface AuditHarness {
  readonly db: Db;
  readonly transport: PglogTransport;
  readonly service: AuditService;
  readonly app: FastifyInstance;
  /** Publishes audit events (one envelope each, the next seq of its subject); returns the envelopes. */
  publish(events: readonly AuditRecorded[]): Promise<Envelope[]>;
  /** Publishes one envelope as is (a redelivery). */
  republish(envelope: Envelope): Promise<void>;
  /** Waits until the log holds `count` entries. */
  waitForEntries(count: number): Promise<void>;
  entries(): Promise<AuditEntry[]>;
  checkpoints(): Promise<Checkpoint[]>;
  close(): Promise<void>;
}

export async function startAudit(db: Db, options: { checkpointEvery?: number } = {}): Promise<AuditHarness> {
  const transport = await createPglogTransport({ db, pollIntervalMs: 20, pruneIntervalMs: 0 });
  const service = createAuditService(
    { db, transport, logger: silentLogger, faults: noFaults, now: () => new Date(), fieldKeys: testFieldKeys('audit') },
    { auth: testAuth, checkpointEvery: options.checkpointEvery ?? 25, checkpointIntervalMs: 0, fetchWaitMs: 500 },
  );
  await migrate(db, service.schema, service.migrations);
  const app = await createHttpApp();
  await app.register(service.routes);
  await app.ready();
  await service.start();
  const seqs = new Map<string, number>();
  const repository = new AuditLogRepository(AUDIT_SCHEMA);
  const count = async () =>
    Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM audit.audit_log')).rows[0]?.n ?? 0);

  return {
    db,
    transport,
    service,
    app,
    async publish(events) {
      const envelopes = events.map((event): Envelope => {
        const key = `${event.subject.type}:${event.subject.id}`;
        const seq = (seqs.get(key) ?? 0) + 1;
        seqs.set(key, seq);
        return {
          id: newMessageId(),
          type: AuditEvents.recorded.type,
          key,
          seq,
          occurredAt: event.occurredAt,
          correlationId: event.correlationId,
          causationId: null,
          traceparent: null,
          payload: event,
        };
      });
      await transport.publish(envelopes.map((e) => toTransportMessage(AuditTopics.events, e)));
      return envelopes;
    },
    async republish(envelope) {
      await transport.publish([toTransportMessage(AuditTopics.events, { ...envelope })]);
    },
    async waitForEntries(expected) {
      for (;;) {
        const n = await count();
        if (n >= expected) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    entries: () => repository.all(db),
    checkpoints: () => repository.allCheckpoints(db),
    async close() {
      await service.stop();
      await app.close();
      await transport.close();
    },
  };
}

/** A plausible audit event: a payment movement or an account creation, with small states. */
export function randomEvent(random: () => number, i: number): AuditRecorded {
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const kind = int(0, 4);
  const occurredAt = new Date(Date.UTC(2026, 0, 1) + i * 1_000).toISOString();
  if (kind === 4) {
    const id = `user-${i}`;
    return {
      action: 'account.created',
      actor: { kind: 'user', userId: 'operator-1', role: 'operator' },
      subject: { type: 'account', id },
      occurredAt,
      before: null,
      after: { role: ['customer', 'courier', 'restaurant'][int(0, 2)] ?? 'customer' },
      correlationId: `corr-${i}`,
    };
  }
  const actions = ['payment.authorized', 'payment.captured', 'payment.voided', 'payment.refunded'] as const;
  const amount = int(100, 10_000);
  return {
    action: actions[kind] ?? 'payment.authorized',
    actor: { kind: 'service', service: 'payment' },
    subject: { type: 'payment', id: `pay-${int(1, 40)}` },
    occurredAt,
    before: { status: 'AUTHORIZING', authorizedCents: 0 },
    after: { status: 'AUTHORIZED', authorizedCents: amount },
    correlationId: `corr-${i}`,
  };
}

// Composition root of the audit service: the audit stream's consumer appending to the hash
// chain (inbox and DLQ in its own schema), the checkpoint schedule, and the operators' read API.
// Nothing here reads env vars or opens connections.
import type { RouteAuth } from '@ordo/auth';
import { AuditTopics } from '@ordo/contracts-audit';
import { dataKeyMigrations, Purpose } from '@ordo/crypto';
import type { SqlExecutor } from '@ordo/db';
import { type Consumer, consumerMigrations } from '@ordo/messaging';
import { type OrdoService, type ServiceContext, serviceFieldCipher } from '@ordo/service-kit';
import { AuditLogRepository } from './data-access/audit-log.repository.js';
import { AUDIT_WRITER_ROLE, auditMigrations } from './data-access/migrations.js';
import { type AuditSigningKey, SigningKeyRepository } from './data-access/signing-key.repository.js';
import { auditApi } from './entry-points/http/audit.api.js';
import { auditRoutes } from './entry-points/http/audit.routes.js';
import { createAuditConsumer } from './entry-points/messaging/audit.consumer.js';
import { writeCheckpoint } from './use-cases/append-entry.use-case.js';
import type { AuditDeps } from './use-cases/audit.deps.js';
import { type VerifyLogResult, verifyLog } from './use-cases/verify-log.use-case.js';

export const AUDIT_SCHEMA = 'audit';

export interface AuditServiceOptions {
  /** How routes authenticate and authorize; the host passes @ordo/auth's hooks. */
  readonly auth: RouteAuth;
  /** A checkpoint is signed with every entry whose position is a multiple of this. Default 100. */
  readonly checkpointEvery?: number;
  /** And on this schedule when the head moved since the last one (0: never). Default 60 s. */
  readonly checkpointIntervalMs?: number;
  /** How long one fetch of the consumer waits (tests shorten it). */
  readonly fetchWaitMs?: number;
}

export interface AuditService extends OrdoService {
  readonly consumer: Consumer;
  /** Signs a checkpoint of the head now (none when the last one covers it); returns its position. */
  checkpoint(): Promise<number | undefined>;
  /** Verifies the whole log (with `publicKey` pinned, SPKI DER base64, or the stored key). */
  verify(publicKey?: string): Promise<VerifyLogResult>;
}

export const auditServiceMigrations = [...consumerMigrations, ...dataKeyMigrations, ...auditMigrations];

export function createAuditService(context: ServiceContext, options: AuditServiceOptions): AuditService {
  const schema = AUDIT_SCHEMA;
  const logger = context.logger.child({ service: 'audit' });
  let key: AuditSigningKey | undefined;
  const cipher = serviceFieldCipher(context, schema);
  const deps: AuditDeps = {
    db: context.db,
    now: context.now,
    log: new AuditLogRepository(schema),
    keys: new SigningKeyRepository(schema, cipher),
    signingKey: () => {
      if (!key) throw new Error('the audit service has not started: no signing key yet');
      return key;
    },
    checkpointEvery: options.checkpointEvery ?? 100,
    logger,
  };
  const consumer = createAuditConsumer(deps, {
    schema,
    transport: context.transport,
    faults: context.faults,
    logger,
    fetchWaitMs: options.fetchWaitMs,
  });
  const intervalMs = options.checkpointIntervalMs ?? 60_000;
  let schedule: NodeJS.Timeout | undefined;
  const checkpoint = () => writeCheckpoint(deps);

  return {
    name: 'audit',
    schema,
    migrations: auditServiceMigrations,
    routes: async (app) => {
      await app.register(auditRoutes, { deps, auth: options.auth });
    },
    api: auditApi,
    consumer,
    checkpoint,
    verify: (publicKey) => verifyLog(deps, context.db, publicKey),
    async start() {
      await context.transport.ensureTopic(AuditTopics.events);
      // Before the transaction: sealing inside it must not wait on the data-key table.
      await cipher.prepare(Purpose.Signing);
      key = await context.db.transaction(async (tx: SqlExecutor) => {
        await tx.query(`SET LOCAL ROLE ${AUDIT_WRITER_ROLE}`);
        return deps.keys.loadOrCreate(tx, context.now());
      });
      logger.info(
        { keyId: key.id, publicKey: key.publicKeyBase64 },
        'audit checkpoint key ready (pin this public key)',
      );
      await consumer.start();
      if (intervalMs > 0) {
        schedule = setInterval(() => {
          checkpoint().catch((err) => logger.warn({ err }, 'scheduled audit checkpoint failed'));
        }, intervalMs);
        schedule.unref();
      }
    },
    async stop() {
      clearInterval(schedule);
      await consumer.stop();
      // The head at shutdown is signed too, so what was appended since the last one is covered.
      if (key) await checkpoint().catch((err) => logger.warn({ err }, 'final audit checkpoint failed'));
    },
  };
}

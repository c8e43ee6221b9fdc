// Users whose creation is audited: the INSERT and the `account.created` audit event (through
// the gateway's outbox) commit in one transaction, so no account exists without its entry.
import { AuditAction, type AuditActor, AuditEvents, type AuditRecorded, AuditTopics } from '@ordo/contracts-audit';
import type { FieldCipher } from '@ordo/crypto';
import type { Db } from '@ordo/db';
import type { OutboxWriter } from '@ordo/outbox';
import type { User } from '../domain/user.js';
import { type NewUser, UserRepository } from './user.repository.js';

/** Who created an account: the caller, or `self` (registration: the new account itself). */
export type AccountCreator = AuditActor | 'self';

export class AuditedUserRepository extends UserRepository {
  constructor(
    private readonly database: Db,
    private readonly schemaName: string,
    private readonly writer: OutboxWriter,
    cipher: FieldCipher,
  ) {
    super(database, schemaName, cipher);
  }

  /** Without `createdBy` the gateway itself is the actor (a seed, or a caller not passed on). */
  override insertIfEmailFree(user: NewUser, createdBy?: AccountCreator): Promise<User | undefined> {
    return this.database.transaction(async (tx) => {
      const created = await new UserRepository(tx, this.schemaName, this.cipher).insertIfEmailFree(user);
      if (!created) return undefined;
      const actor: AuditActor =
        createdBy === 'self'
          ? { kind: 'user', userId: created.id, role: created.role }
          : (createdBy ?? { kind: 'service', service: 'gateway' });
      // The role and id only: never the email or the name (the log cannot forget them).
      const payload: AuditRecorded = {
        action: AuditAction.AccountCreated,
        actor,
        subject: { type: 'account', id: created.id },
        occurredAt: created.createdAt.toISOString(),
        before: null,
        after: { role: created.role },
        correlationId: created.id,
      };
      await this.writer.write(tx, [
        { topic: AuditTopics.events, type: AuditEvents.recorded.type, key: created.id, payload },
      ]);
      return created;
    });
  }
}

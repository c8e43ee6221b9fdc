// A saga participant's side of the protocol: each command id is decided once; its reply is
// stored and sent through the outbox in the same transaction as the participant's own changes.
// The orchestrator retries a command with the same command id when a step times out; the
// retry gets the stored reply again, so the participant never applies a command twice.
import { ident, type Migration, type SqlExecutor, together } from '@ordo/db';
import type { Envelope } from '@ordo/messaging';
import { causedBy, type OutboxWriter } from '@ordo/outbox';

export const participantMigrations: readonly Migration[] = [
  {
    id: 'kernel_participant_0001',
    sql: `
      CREATE TABLE {{schema}}.command_replies (
        command_id text PRIMARY KEY,
        saga_id text NOT NULL,
        command_type text NOT NULL,
        reply_type text NOT NULL,
        reply_payload jsonb NOT NULL,
        decided_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    // Commands accepted but decided later (a call to a slow provider, a courier to wait for).
    id: 'kernel_participant_0002',
    sql: `
      CREATE TABLE {{schema}}.deferred_commands (
        command_id text PRIMARY KEY,
        saga_id text NOT NULL,
        command_type text NOT NULL,
        correlation_id text NOT NULL,
        causation_id text NOT NULL,
        traceparent text,
        accepted_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];

export interface SagaCommand {
  readonly sagaId: string;
  readonly commandId: string;
}

export interface Reply {
  readonly type: string;
  /** The reply's own fields; `sagaId` and `commandId` are added. */
  readonly payload: Record<string, unknown>;
}

export type ReplyOutcome = 'decided' | 'repeated' | 'deferred' | 'still-deferred';

/** What `handle`'s decide may return instead of a reply: the decision comes later, via `complete`. */
export const DEFER = Symbol('defer');

export class CommandReplier {
  private readonly table: string;

  private readonly deferred: string;

  constructor(
    schema: string,
    private readonly writer: OutboxWriter,
    private readonly replyTopic: string,
  ) {
    this.table = `${ident(schema)}.command_replies`;
    this.deferred = `${ident(schema)}.deferred_commands`;
  }

  /**
   * Runs `decide` (the participant's work, in `tx`) the first time `command.commandId` is seen
   * and sends its reply; on a repeat, sends the stored reply again without running `decide`.
   */
  async handle(
    tx: SqlExecutor,
    envelope: Envelope,
    command: SagaCommand,
    decide: () => Promise<Reply | typeof DEFER>,
  ): Promise<ReplyOutcome> {
    // The stored reply (locked, so a concurrent repeat waits for this one's decision) and whether
    // the command waits for a later decision, in one round trip: always one row.
    const { rows } = await tx.query<{
      reply_type: string | null;
      reply_payload: Record<string, unknown> | null;
      waiting: boolean;
    }>(
      `SELECT r.reply_type, r.reply_payload,
              EXISTS (SELECT 1 FROM ${this.deferred} WHERE command_id = $1) AS waiting
       FROM (SELECT 1) AS one
       LEFT JOIN (SELECT reply_type, reply_payload FROM ${this.table} WHERE command_id = $1 FOR UPDATE) AS r ON true`,
      [command.commandId],
      { prepare: true },
    );
    const seen = rows[0];
    if (seen?.reply_type != null) {
      await this.send(tx, envelope, command, { type: seen.reply_type, payload: seen.reply_payload ?? {} });
      return 'repeated';
    }
    if (seen?.waiting) return 'still-deferred';
    const reply = await decide();
    if (reply === DEFER) {
      await tx.query(
        `INSERT INTO ${this.deferred} (command_id, saga_id, command_type, correlation_id, causation_id, traceparent)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [command.commandId, command.sagaId, envelope.type, envelope.correlationId, envelope.id, envelope.traceparent],
      );
      return 'deferred';
    }
    await this.storeAndSend(tx, envelope, command, envelope.type, reply);
    return 'decided';
  }

  /**
   * Decides a deferred command: stores its reply and sends it, in `tx` (with the participant's
   * own changes). Returns false if the command is not waiting (already completed, or unknown).
   */
  async complete(tx: SqlExecutor, commandId: string, reply: Reply): Promise<boolean> {
    const { rows } = await tx.query<{
      saga_id: string;
      command_type: string;
      correlation_id: string;
      causation_id: string;
      traceparent: string | null;
    }>(`DELETE FROM ${this.deferred} WHERE command_id = $1 RETURNING *`, [commandId]);
    const row = rows[0];
    if (!row) return false;
    const command = { sagaId: row.saga_id, commandId };
    await this.storeAndSend(
      tx,
      { id: row.causation_id, correlationId: row.correlation_id, traceparent: row.traceparent },
      command,
      row.command_type,
      reply,
    );
    return true;
  }

  /**
   * The two writes do not depend on each other: both are issued before either answer is awaited,
   * so on a pipelining connection they travel in one round trip.
   */
  private async storeAndSend(
    tx: SqlExecutor,
    cause: Pick<Envelope, 'id' | 'correlationId' | 'traceparent'>,
    command: SagaCommand,
    commandType: string,
    reply: Reply,
  ): Promise<void> {
    await together(this.store(tx, command, commandType, reply), this.send(tx, cause, command, reply));
  }

  private async store(tx: SqlExecutor, command: SagaCommand, commandType: string, reply: Reply): Promise<void> {
    const payload = { ...reply.payload, sagaId: command.sagaId, commandId: command.commandId };
    await tx.query(
      `INSERT INTO ${this.table} (command_id, saga_id, command_type, reply_type, reply_payload) VALUES ($1, $2, $3, $4, $5)`,
      [command.commandId, command.sagaId, commandType, reply.type, JSON.stringify(payload)],
      { prepare: true },
    );
  }

  private async send(
    tx: SqlExecutor,
    cause: Pick<Envelope, 'id' | 'correlationId' | 'traceparent'>,
    command: SagaCommand,
    reply: Reply,
  ): Promise<void> {
    await this.writer.write(tx, [
      {
        topic: this.replyTopic,
        type: reply.type,
        key: command.sagaId,
        payload: { ...reply.payload, sagaId: command.sagaId, commandId: command.commandId },
        ...causedBy(cause),
      },
    ]);
  }
}

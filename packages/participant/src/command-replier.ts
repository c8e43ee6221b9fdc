// A saga participant's side of the protocol: each command id is decided once; its reply is
// stored and sent through the outbox in the same transaction as the participant's own changes.
// The orchestrator retries a command with the same command id when a step times out; the
// retry gets the stored reply again, so the participant never applies a command twice.
import { ident, type Migration, type SqlExecutor } from '@ordo/db';
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

export type ReplyOutcome = 'decided' | 'repeated';

export class CommandReplier {
  private readonly table: string;

  constructor(
    schema: string,
    private readonly writer: OutboxWriter,
    private readonly replyTopic: string,
  ) {
    this.table = `${ident(schema)}.command_replies`;
  }

  /**
   * Runs `decide` (the participant's work, in `tx`) the first time `command.commandId` is seen
   * and sends its reply; on a repeat, sends the stored reply again without running `decide`.
   */
  async handle(
    tx: SqlExecutor,
    envelope: Envelope,
    command: SagaCommand,
    decide: () => Promise<Reply>,
  ): Promise<ReplyOutcome> {
    const { rows } = await tx.query<{ reply_type: string; reply_payload: Record<string, unknown> }>(
      `SELECT reply_type, reply_payload FROM ${this.table} WHERE command_id = $1 FOR UPDATE`,
      [command.commandId],
    );
    const stored = rows[0];
    if (stored) {
      await this.send(tx, envelope, command, { type: stored.reply_type, payload: stored.reply_payload });
      return 'repeated';
    }
    const reply = await decide();
    const payload = { ...reply.payload, sagaId: command.sagaId, commandId: command.commandId };
    await tx.query(
      `INSERT INTO ${this.table} (command_id, saga_id, command_type, reply_type, reply_payload) VALUES ($1, $2, $3, $4, $5)`,
      [command.commandId, command.sagaId, envelope.type, reply.type, JSON.stringify(payload)],
    );
    await this.send(tx, envelope, command, { type: reply.type, payload });
    return 'decided';
  }

  private async send(tx: SqlExecutor, envelope: Envelope, command: SagaCommand, reply: Reply): Promise<void> {
    await this.writer.write(tx, [
      {
        topic: this.replyTopic,
        type: reply.type,
        key: command.sagaId,
        payload: { ...reply.payload, sagaId: command.sagaId, commandId: command.commandId },
        ...causedBy(envelope),
      },
    ]);
  }
}

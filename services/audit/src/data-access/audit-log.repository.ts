// Reads and appends of `audit_log` and `audit_checkpoints`. Appends run as the writer role
// (INSERT and SELECT only) and one at a time: a transaction-scoped advisory lock serializes
// writers across processes, so positions stay gapless and each entry links to the real head.
import { ident, type SqlExecutor, together } from '@ordo/db';
import type { AuditEntry } from '../domain/audit-entry.js';
import type { Checkpoint } from '../domain/checkpoint.js';
import { AUDIT_WRITER_ROLE } from './migrations.js';

interface EntryRow {
  position: string | number;
  event_id: string;
  action: string;
  actor_kind: 'user' | 'service';
  actor_id: string;
  actor_role: string | null;
  subject_type: string;
  subject_id: string;
  occurred_at: Date | string;
  recorded_at: Date | string;
  before: AuditEntry['before'];
  after: AuditEntry['after'];
  correlation_id: string;
  prev_hash: string;
  hash: string;
}

interface CheckpointRow {
  position: string | number;
  head_hash: string;
  signed_at: Date | string;
  key_id: string;
  signature: string;
}

const iso = (value: Date | string) => new Date(value).toISOString();

export function toEntry(row: EntryRow): AuditEntry {
  return {
    position: Number(row.position),
    eventId: row.event_id,
    action: row.action,
    actor:
      row.actor_kind === 'user'
        ? { kind: 'user', userId: row.actor_id, role: row.actor_role ?? '' }
        : { kind: 'service', service: row.actor_id },
    subject: { type: row.subject_type, id: row.subject_id },
    occurredAt: iso(row.occurred_at),
    recordedAt: iso(row.recorded_at),
    before: row.before,
    after: row.after,
    correlationId: row.correlation_id,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function toCheckpoint(row: CheckpointRow): Checkpoint {
  return {
    position: Number(row.position),
    headHash: row.head_hash,
    signedAt: iso(row.signed_at),
    keyId: row.key_id,
    signature: row.signature,
  };
}

/** Filters of the operators' read API; every one optional. */
export interface EntryFilter {
  readonly action?: string;
  readonly subjectType?: string;
  readonly subjectId?: string;
  readonly actorId?: string;
  readonly from?: Date;
  readonly to?: Date;
  /** Entries before this position (keyset pagination, newest first). */
  readonly beforePosition?: number;
  readonly limit: number;
}

/** What `lockHead` finds once the append lock is held. */
export interface LockedHead {
  /** The newest entry's position and hash; none in an empty log. */
  readonly head: Pick<AuditEntry, 'position' | 'hash'> | undefined;
  /** The entry already recorded for the event asked about, if any (a redelivery). */
  readonly known: AuditEntry | undefined;
}

// Any constant works; it only has to be the same for every writer of this schema.
const APPEND_LOCK = 0x0a0d17;

export class AuditLogRepository {
  private readonly log: string;
  private readonly checkpoints: string;

  constructor(schema: string) {
    this.log = `${ident(schema)}.audit_log`;
    this.checkpoints = `${ident(schema)}.audit_checkpoints`;
  }

  /**
   * Takes the append lock and switches `tx` to the writer role; returns the current head and, when
   * `eventId` is given, the entry already recorded for that event. The caller appends, then calls
   * `release` (the lock itself ends with the transaction). Two statements: the head is read in a
   * statement that starts after the lock is held, so its snapshot sees the last holder's entry.
   * Both are issued together (one round trip on a pipelining connection): the server runs the
   * second only once the first, the lock, has returned.
   */
  async lockHead(tx: SqlExecutor, eventId?: string): Promise<LockedHead> {
    const [, { rows }] = await together(
      // set_config('role', …, true) is SET LOCAL ROLE as a function, so it rides with the lock.
      tx.query('SELECT pg_advisory_xact_lock($1), set_config($2, $3, true)', [APPEND_LOCK, 'role', AUDIT_WRITER_ROLE], {
        prepare: true,
      }),
      tx.query<EntryRow & { found: 'head' | 'known' }>(
        `(SELECT 'head' AS found, * FROM ${this.log} ORDER BY position DESC LIMIT 1)
         UNION ALL
         (SELECT 'known' AS found, * FROM ${this.log} WHERE event_id = $1)`,
        [eventId ?? null],
        { prepare: true },
      ),
    );
    const head = rows.find((row) => row.found === 'head');
    const known = rows.find((row) => row.found === 'known');
    return {
      head: head ? { position: Number(head.position), hash: head.hash } : undefined,
      known: known ? toEntry(known) : undefined,
    };
  }

  /** Back to the session's role, for the rest of the transaction (the inbox's rows). */
  async release(tx: SqlExecutor): Promise<void> {
    await tx.query('RESET ROLE');
  }

  async insert(tx: SqlExecutor, entry: AuditEntry): Promise<void> {
    const actorId = entry.actor.kind === 'user' ? entry.actor.userId : entry.actor.service;
    const actorRole = entry.actor.kind === 'user' ? entry.actor.role : null;
    await tx.query(
      `INSERT INTO ${this.log} (position, event_id, action, actor_kind, actor_id, actor_role, subject_type,
         subject_id, occurred_at, recorded_at, before, after, correlation_id, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12::jsonb, $13, $14, $15)`,
      [
        entry.position,
        entry.eventId,
        entry.action,
        entry.actor.kind,
        actorId,
        actorRole,
        entry.subject.type,
        entry.subject.id,
        entry.occurredAt,
        entry.recordedAt,
        entry.before === null ? null : JSON.stringify(entry.before),
        entry.after === null ? null : JSON.stringify(entry.after),
        entry.correlationId,
        entry.prevHash,
        entry.hash,
      ],
    );
  }

  /** Newest first. */
  async list(db: SqlExecutor, filter: EntryFilter): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (filter.action !== undefined) add('action = ?', filter.action);
    if (filter.subjectType !== undefined) add('subject_type = ?', filter.subjectType);
    if (filter.subjectId !== undefined) add('subject_id = ?', filter.subjectId);
    if (filter.actorId !== undefined) add('actor_id = ?', filter.actorId);
    if (filter.from !== undefined) add('occurred_at >= ?', filter.from);
    if (filter.to !== undefined) add('occurred_at < ?', filter.to);
    if (filter.beforePosition !== undefined) add('position < ?', filter.beforePosition);
    params.push(filter.limit);
    const { rows } = await db.query<EntryRow>(
      `SELECT * FROM ${this.log} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY position DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toEntry);
  }

  /** The whole log in position order, for verification. */
  async all(db: SqlExecutor): Promise<AuditEntry[]> {
    const { rows } = await db.query<EntryRow>(`SELECT * FROM ${this.log} ORDER BY position`);
    return rows.map(toEntry);
  }

  /** Entries from `from` to `to`, both included, in position order. */
  async range(tx: SqlExecutor, from: number, to: number): Promise<AuditEntry[]> {
    const { rows } = await tx.query<EntryRow>(
      `SELECT * FROM ${this.log} WHERE position BETWEEN $1 AND $2 ORDER BY position`,
      [from, to],
    );
    return rows.map(toEntry);
  }

  async insertCheckpoint(tx: SqlExecutor, checkpoint: Checkpoint): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.checkpoints} (position, head_hash, signed_at, key_id, signature)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (position) DO NOTHING`,
      [checkpoint.position, checkpoint.headHash, checkpoint.signedAt, checkpoint.keyId, checkpoint.signature],
    );
  }

  async lastCheckpointPosition(db: SqlExecutor): Promise<number> {
    const { rows } = await db.query<{ position: string | number | null }>(
      `SELECT max(position) AS position FROM ${this.checkpoints}`,
    );
    return Number(rows[0]?.position ?? 0);
  }

  async allCheckpoints(db: SqlExecutor): Promise<Checkpoint[]> {
    const { rows } = await db.query<CheckpointRow>(`SELECT * FROM ${this.checkpoints} ORDER BY position`);
    return rows.map(toCheckpoint);
  }
}

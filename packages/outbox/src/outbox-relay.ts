// The relay: publishes committed outbox rows to the transport and marks them sent; several may
// run at once (see claim-strategies.ts). A crash between publish and mark-sent republishes the
// rows: the broker and the inbox deduplicate.
// Two ways rows reach it:
// - after commit (given the service's writer, publishing to a broker elsewhere): the writer hands
//   it each committed write's rows, and it publishes them at once and marks them sent, with no
//   claiming transaction; the claiming loop then only polls for rows older than a grace period,
//   the ones this path could not publish (a crash, a broker outage);
// - claiming: woken by NOTIFY (polling as a fallback), it locks a batch of unsent rows, publishes
//   them, marks them sent (the way when the log is in this database, see ADR 0011, for rows the
//   writer did not append to the log itself, see ADR 0025).
import { type Db, ident } from '@ordo/db';
import { type Faults, noFaults } from '@ordo/faults';
import { type Logger, silentLogger } from '@ordo/logger';
import { fullJitterDelay, type Publisher } from '@ordo/messaging';
import { type ClaimStrategy, leasingClaims, lockingClaims, markSent } from './claim-strategies.js';
import { outboxChannel } from './migrations.js';
import { type OutboxRow, rowToTransportMessage } from './outbox-row.js';
import type { OutboxWriter } from './outbox-writer.js';

export interface OutboxRelayOptions {
  readonly db: Db;
  readonly schema: string;
  readonly publisher: Publisher;
  /** Rows per claim. Default 200. */
  readonly batchSize?: number;
  /** Fallback poll when no NOTIFY arrives (one was lost, or a crashed relay left rows). Default 5 s. */
  readonly pollIntervalMs?: number;
  /** `lock` (Postgres) or `lease` (PGlite); default chosen by the database kind. */
  readonly claim?: 'lock' | 'lease';
  /** Lease length for the `lease` strategy. Default 30 s. */
  readonly leaseMs?: number;
  /** Sent rows are kept this long for inspection, then pruned. Default 24 h. */
  readonly retentionMs?: number;
  readonly pruneIntervalMs?: number;
  readonly faults?: Faults;
  readonly logger?: Logger;
  /**
   * The service's outbox writer: its committed rows are published right after commit (unless the
   * log is in this database, where the claim's transaction appends them anyway).
   */
  readonly writer?: OutboxWriter;
  /** With `writer`: rows younger than this are left to the after-commit path. Default 3 s. */
  readonly afterCommitGraceMs?: number;
}

export class OutboxRelay {
  /** What the loop claims: every unsent row, or with the after-commit path only those past the grace period. */
  private readonly claims: ClaimStrategy;
  /** Every unsent row, young ones too (drain, and the backlog at start). */
  private readonly everyUnsent: ClaimStrategy;
  private readonly batchSize: number;
  private readonly faults: Faults;
  private readonly logger: Logger;
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private woken = false;
  private unlisten: (() => Promise<void>) | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  /** The transport's log is in the outbox's database: publish by appending in the claim's transaction. */
  private readonly inTransaction: boolean;
  /** Committed rows are handed over by the writer (see the module comment). */
  private readonly afterCommit: boolean;
  /** The writer appends its rows to the log itself (ADR 0025). */
  private readonly writerAppends: boolean;
  private readonly committed: OutboxRow[] = [];
  private publishingCommitted: Promise<void> | undefined;
  private holdCommitted = false;
  private stopListening: (() => void) | undefined;
  /** Rows published since start. */
  published = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    // A log in this very database takes its appends inside the claiming transaction: one
    // transaction per batch, and no transaction of its own that PGlite's one connection could
    // not open while ours is open, so locking claims work there too.
    const { publisher } = options;
    this.inTransaction = publisher.logDatabase === options.db && publisher.publishWithin !== undefined;
    const strategy = options.claim ?? (options.db.kind === 'pglite' && !this.inTransaction ? 'lease' : 'lock');
    this.afterCommit = options.writer !== undefined && !this.inTransaction;
    // With the log in this database, the writer writes its rows as sent and appends their messages
    // to the log in the producer's own transaction (ADR 0025): no relay transaction. This relay then only
    // publishes rows left unsent (a previous version's, a write outside a transaction), found by
    // its poll; it does not listen, as the outbox's NOTIFY now announces rows already sent.
    const { publishWithin } = publisher;
    this.writerAppends = this.inTransaction && options.writer !== undefined && publishWithin !== undefined;
    if (this.writerAppends && publishWithin) {
      options.writer?.appendWithin((tx, messages, within) => publishWithin.call(publisher, tx, messages, within));
    }
    const graceMs = this.afterCommit ? (options.afterCommitGraceMs ?? 3_000) : undefined;
    const claims = (grace: number | undefined) =>
      strategy === 'lock'
        ? lockingClaims(options.db, options.schema, grace)
        : leasingClaims(options.db, options.schema, options.leaseMs ?? 30_000, grace);
    this.claims = claims(graceMs);
    this.everyUnsent = graceMs === undefined ? this.claims : claims(undefined);
    this.batchSize = options.batchSize ?? 200;
    this.faults = options.faults ?? noFaults;
    this.logger = (options.logger ?? silentLogger).child({ relay: options.schema });
  }

  /** Publishes one batch of unsent rows (young ones too); returns how many rows it published. */
  publishBatch(): Promise<number> {
    return this.claimAndPublish(this.everyUnsent);
  }

  private async claimAndPublish(claims: ClaimStrategy): Promise<number> {
    const { publisher } = this.options;
    const count = await claims.withBatch(this.batchSize, async (rows, tx) => {
      await this.faults.hit('relay.beforePublish');
      const messages = rows.map(rowToTransportMessage);
      if (this.inTransaction && tx && publisher.publishWithin) await publisher.publishWithin(tx, messages);
      else await publisher.publish(messages);
      await this.faults.hit('relay.afterPublish');
    });
    this.published += count;
    return count;
  }

  /** Publishes until nothing is pending. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.publishBatch();
      total += n;
      if (n === 0) return total;
    }
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.stopping = false;
    await this.claims.recover();
    if (this.afterCommit) {
      // New rows come from the writer; a NOTIFY would only wake the loop to find them too young.
      // Rows committed from here on wait until what was unsent before (a previous run's, a seed's)
      // is out, so the after-commit path never overtakes older rows at start.
      this.holdCommitted = true;
      this.stopListening = this.options.writer?.onCommitted((rows) => this.takeCommitted(rows));
      try {
        await this.drain();
      } catch (error) {
        // The broker may be down at start: the loop publishes the backlog once it is back.
        this.logger.warn({ err: error }, 'publishing the outbox backlog at start failed; the relay loop retries');
      } finally {
        this.holdCommitted = false;
      }
      this.takeCommitted([]);
    } else if (!this.writerAppends) {
      this.unlisten = await this.options.db.listen(outboxChannel(this.options.schema), () => this.poke());
    }
    const pruneEvery = this.options.pruneIntervalMs ?? 60_000;
    this.pruneTimer = setInterval(() => {
      this.prune().catch((err) => this.logger.warn({ err }, 'outbox prune failed'));
    }, pruneEvery);
    this.pruneTimer.unref();
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stopListening?.();
    this.poke();
    clearInterval(this.pruneTimer);
    await this.running;
    this.running = undefined;
    // Rows already handed over are published before stop() resolves.
    await this.publishingCommitted;
    await this.unlisten?.();
    this.unlisten = undefined;
  }

  private takeCommitted(rows: OutboxRow[]): void {
    this.committed.push(...rows);
    if (this.holdCommitted || this.committed.length === 0) return;
    this.publishingCommitted ??= this.publishCommitted();
  }

  /**
   * Publishes what the writer handed over, in commit order, a batch at a time (what arrives while
   * one batch is out forms the next), and marks each batch sent in one statement. A batch that
   * fails stays unsent; the claiming loop publishes it once it is older than the grace period.
   */
  private async publishCommitted(): Promise<void> {
    const table = `${ident(this.options.schema)}.outbox`;
    try {
      await this.publishCommittedBatches(table);
    } finally {
      // Synchronously after the last emptiness check: rows handed over later start a new run.
      this.publishingCommitted = undefined;
    }
  }

  private async publishCommittedBatches(table: string): Promise<void> {
    while (this.committed.length > 0) {
      const batch = this.committed.splice(0, this.batchSize);
      try {
        await this.faults.hit('relay.beforePublish');
        await this.options.publisher.publish(batch.map(rowToTransportMessage));
        await this.faults.hit('relay.afterPublish');
        await markSent(this.options.db, table, batch);
        this.published += batch.length;
      } catch (error) {
        this.logger.warn(
          { err: error, rows: batch.length },
          'publishing committed outbox rows failed; the relay loop takes them later',
        );
      }
    }
  }

  /** Deletes sent rows older than the retention; returns how many. */
  async prune(): Promise<number> {
    const table = `${ident(this.options.schema)}.outbox`;
    const res = await this.options.db.query(
      `DELETE FROM ${table} WHERE id IN (
         SELECT id FROM ${table} WHERE sent_at < now() - make_interval(secs => $1::double precision / 1000) LIMIT 10000)`,
      [this.options.retentionMs ?? 86_400_000],
    );
    return res.rowCount;
  }

  private poke(): void {
    this.woken = true;
    this.wake?.();
  }

  private async loop(): Promise<void> {
    const pollMs = this.options.pollIntervalMs ?? 5_000;
    let failures = 0;
    while (!this.stopping) {
      this.woken = false;
      let count = 0;
      try {
        count = await this.claimAndPublish(this.claims);
        failures = 0;
      } catch (error) {
        failures++;
        this.logger.warn({ err: error, failures }, 'outbox publish failed; backing off');
        await this.sleep(fullJitterDelay(failures, { baseMs: 100, maxMs: 5_000 }) + 20);
        continue;
      }
      if (count === this.batchSize || this.woken) continue;
      await this.sleep(pollMs);
    }
  }

  /** Sleeps until `ms` pass, a NOTIFY arrives, or stop() is called. */
  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }
}

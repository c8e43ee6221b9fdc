// The relay: publishes committed outbox rows to the transport and marks them sent. Woken by
// NOTIFY, polling as a fallback; several may run at once (see claim-strategies.ts). A crash
// between publish and mark-sent republishes the rows: the broker and the inbox deduplicate.
import { type Db, ident } from '@ordo/db';
import { type Faults, noFaults } from '@ordo/faults';
import { type Logger, silentLogger } from '@ordo/logger';
import { fullJitterDelay, type Publisher } from '@ordo/messaging';
import { type ClaimStrategy, leasingClaims, lockingClaims } from './claim-strategies.js';
import { outboxChannel } from './migrations.js';
import { rowToTransportMessage } from './outbox-row.js';

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
}

export class OutboxRelay {
  private readonly claims: ClaimStrategy;
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
  /** Rows published since start. */
  published = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    // A log in this very database takes its appends inside the claiming transaction: one
    // transaction per batch, and no transaction of its own that PGlite's one connection could
    // not open while ours is open, so locking claims work there too.
    const { publisher } = options;
    this.inTransaction = publisher.logDatabase === options.db && publisher.publishWithin !== undefined;
    const strategy = options.claim ?? (options.db.kind === 'pglite' && !this.inTransaction ? 'lease' : 'lock');
    this.claims =
      strategy === 'lock'
        ? lockingClaims(options.db, options.schema)
        : leasingClaims(options.db, options.schema, options.leaseMs ?? 30_000);
    this.batchSize = options.batchSize ?? 200;
    this.faults = options.faults ?? noFaults;
    this.logger = (options.logger ?? silentLogger).child({ relay: options.schema });
  }

  /** Publishes one batch; returns how many rows it published. */
  async publishBatch(): Promise<number> {
    const { publisher } = this.options;
    const count = await this.claims.withBatch(this.batchSize, async (rows, tx) => {
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
    this.unlisten = await this.options.db.listen(outboxChannel(this.options.schema), () => this.poke());
    const pruneEvery = this.options.pruneIntervalMs ?? 60_000;
    this.pruneTimer = setInterval(() => {
      this.prune().catch((err) => this.logger.warn({ err }, 'outbox prune failed'));
    }, pruneEvery);
    this.pruneTimer.unref();
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.poke();
    clearInterval(this.pruneTimer);
    await this.running;
    this.running = undefined;
    await this.unlisten?.();
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
        count = await this.publishBatch();
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

// Savepoints on a transaction's executor (`SqlExecutor.savepoint`), and the undo callbacks of the
// work a transaction keeps in memory until its commit (`SqlExecutor.onUndo`): a savepoint rolled
// back undoes both, the rows on the server and the work in memory.
import type { Settled } from './db.port.js';

/** `ROLLBACK TO` through `query` would leave the in-memory work of what it undoes in place. */
const ROLLBACK_TO = /^rollback\s+(work\s+|transaction\s+)?to\b/i;

/** Refuses a `ROLLBACK TO SAVEPOINT` issued as a statement (cheap: most texts fail the first letter). */
export function refuseRawRollbackTo(text: string): void {
  if ((text.charCodeAt(0) | 0x20) === 0x72 && ROLLBACK_TO.test(text)) {
    throw new Error('roll back to a savepoint with tx.savepoint(fn), not a ROLLBACK TO statement');
  }
}

export class Savepoints {
  /** Undo callbacks registered inside the savepoints open now, oldest first. */
  private readonly undos: Array<() => void> = [];
  private depth = 0;

  constructor(private readonly query: (text: string) => Promise<unknown>) {}

  onUndo(undo: () => void): void {
    // Outside any savepoint only the whole transaction's rollback undoes work, and that drops it all.
    if (this.depth > 0) this.undos.push(undo);
  }

  async run<T>(fn: () => Promise<T>): Promise<Settled<T>> {
    // A name per depth: a later savepoint at the same depth reuses it, and ROLLBACK TO goes to the
    // newest of a name, the one open now.
    const name = `ordo_savepoint_${this.depth}`;
    const mark = this.undos.length;
    this.depth += 1;
    let saved: PromiseSettledResult<unknown>;
    let ran: PromiseSettledResult<T>;
    try {
      // Issued before fn's first statement and without waiting for it: one round trip on a
      // pipelining connection, and the server still runs the SAVEPOINT first.
      [saved, ran] = await Promise.allSettled([this.query(`SAVEPOINT ${name}`), fn()]);
    } finally {
      this.depth -= 1;
    }
    if (saved.status === 'rejected') throw saved.reason;
    if (ran.status === 'fulfilled') {
      // Never released (COMMIT ends it); its undos now belong to the savepoint around it, if any.
      if (this.depth === 0) this.undos.length = 0;
      return { ok: true, value: ran.value };
    }
    await this.query(`ROLLBACK TO SAVEPOINT ${name}`);
    const undone = this.undos.splice(mark);
    for (let i = undone.length - 1; i >= 0; i--) (undone[i] as () => void)();
    return { ok: false, error: ran.reason };
  }
}

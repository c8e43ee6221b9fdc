// Append-only migrations, applied per schema under an advisory lock so that several
// processes starting at once apply each migration exactly once.
import { AppError, Errors } from '@ordo/errors';
import { type Db, ident } from './db.port.js';

export interface Migration {
  /** Unique, sortable id, e.g. `kernel_0001_outbox`. Never renamed once released. */
  id: string;
  /** SQL text; `{{schema}}` is replaced by the quoted target schema. */
  sql: string;
}

function checksum(text: string): string {
  // FNV-1a, 32 bit: enough to detect an edited migration, not a security measure.
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function lockKey(schema: string): number {
  return Number.parseInt(checksum(`ordo.migrate.${schema}`), 16) | 0;
}

/** Applies the migrations not yet applied in `schema`, in the order given. Returns the ids applied. */
export async function migrate(db: Db, schema: string, migrations: readonly Migration[]): Promise<string[]> {
  const s = ident(schema);
  const seen = new Set<string>();
  for (const m of migrations) {
    if (seen.has(m.id)) throw new Error(`duplicate migration id ${m.id}`);
    seen.add(m.id);
  }
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey(schema)]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
         id text PRIMARY KEY,
         checksum text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await tx.query<{ id: string; checksum: string }>(
      `SELECT id, checksum FROM ${s}.schema_migrations`,
    );
    const applied = new Map(rows.map((r) => [r.id, r.checksum]));
    const done: string[] = [];
    for (const m of migrations) {
      const sql = m.sql.replaceAll('{{schema}}', s);
      const sum = checksum(m.sql);
      const previous = applied.get(m.id);
      if (previous !== undefined) {
        if (previous !== sum) {
          throw new AppError(Errors.DB_MIGRATION_CHANGED, {
            message: `migration ${m.id} in schema ${schema} was changed after it was applied`,
          });
        }
        continue;
      }
      try {
        await tx.query(sql);
      } catch (cause) {
        throw new AppError(Errors.DB_MIGRATION_FAILED, {
          message: `migration ${m.id} in schema ${schema} failed: ${(cause as Error).message}`,
          cause,
        });
      }
      await tx.query(`INSERT INTO ${s}.schema_migrations (id, checksum) VALUES ($1, $2)`, [m.id, sum]);
      done.push(m.id);
    }
    return done;
  });
}

// What was published on a pglog transport, read from the log itself. A message appended in its
// producer's transaction has no outbox row (ADR 0025), so a test that checks what a service sent
// reads the log, where every message ends up whichever way it went (appended at commit, or
// written to the outbox and published by the relay).
import type { SqlExecutor } from '@ordo/db';
import { type Envelope, parseEnvelope } from '@ordo/messaging';

/** The envelopes on `topic`, in log order (`logSchema`: the transport's schema, default `ordo_log`). */
export async function publishedEnvelopes(db: SqlExecutor, topic: string, logSchema = 'ordo_log'): Promise<Envelope[]> {
  const { rows } = await db.query<{ body: string }>(
    `SELECT body FROM "${logSchema}".messages WHERE topic = $1 ORDER BY position`,
    [topic],
  );
  return rows.map((row) => parseEnvelope(row.body));
}

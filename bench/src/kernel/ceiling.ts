// The database's ceiling for the producer transaction: pgbench against Postgres, or, for
// PGlite (which pgbench cannot reach), the same transaction in a tight Node loop.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Db } from '@ordo/db';
import { newWriter, pgbenchScript, placeOrder } from './bench-service.js';

const run = promisify(execFile);

export interface CeilingResult {
  txPerSec: number;
  method: string;
}

export async function pgbenchCeiling(
  connectionString: string,
  topic: string,
  clients: number,
  seconds: number,
): Promise<CeilingResult> {
  const dir = await mkdtemp(join(tmpdir(), 'ordo-pgbench-'));
  try {
    const script = join(dir, 'producer.sql');
    await writeFile(script, pgbenchScript(newWriter(), topic));
    const args = [
      '-n',
      '-M',
      'prepared',
      '-c',
      String(clients),
      '-j',
      '2',
      '-T',
      String(seconds),
      '-f',
      script,
      connectionString,
    ];
    const { stdout } = await run('pgbench', args, { maxBuffer: 10 * 2 ** 20 });
    const match = /tps = ([\d.]+)/.exec(stdout);
    if (!match) throw new Error(`could not read pgbench output:\n${stdout}`);
    return {
      txPerSec: Number(match[1]),
      method: `pgbench -M prepared -c ${clients} -j 2 -T ${seconds} (orders row + outbox statement per transaction)`,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The producer transaction run back to back by `concurrency` Node loops for `seconds`. */
export async function nodeLoopCeiling(
  db: Db,
  topic: string,
  concurrency: number,
  seconds: number,
): Promise<CeilingResult> {
  const writer = newWriter();
  const deadline = performance.now() + seconds * 1_000;
  let count = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await placeOrder(db, writer, topic);
        count++;
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1_000;
  return {
    txPerSec: count / elapsed,
    method: `Node loop, ${concurrency} concurrent, ${seconds} s (orders row + outbox statement per transaction)`,
  };
}

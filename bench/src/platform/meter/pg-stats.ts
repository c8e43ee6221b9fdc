// PostgreSQL's own counters: transactions per database (pg_stat_database), WAL writes and fsyncs
// (pg_stat_wal, server-wide), and which backend serves which database (pg_stat_activity), so
// the server's CPU can be split by who caused it. Read over one admin connection.
import pg from 'pg';
import { readProcStat } from './proc.js';

/** Bench connections carry this application_name prefix, so their backends can be told apart. */
export const BENCH_APPLICATION = 'ordo-bench';

export interface PgBackend {
  pid: number;
  database: string | null;
  backendType: string;
  applicationName: string;
}

export interface PgSnapshot {
  /** xact_commit + xact_rollback per database. */
  transactions: Record<string, number>;
  walSync: number;
  walWrite: number;
  walBytes: number;
  backends: PgBackend[];
}

export interface PgStatsReader {
  /** The postmaster's pid when the server runs on this machine (for /proc), else undefined. */
  readonly postmasterPid: number | undefined;
  snapshot(databases: readonly string[]): Promise<PgSnapshot>;
  close(): Promise<void>;
}

export async function openPgStats(adminUrl: string): Promise<PgStatsReader> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: `${BENCH_APPLICATION}-stats` });
  await client.connect();
  // Our backend's parent is the postmaster, if the server is local (its /proc entry is visible).
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const backend = readProcStat(Number(rows[0]?.pid));
  const postmaster = backend?.comm.startsWith('postgres') ? readProcStat(backend.ppid) : undefined;
  const hasWal = (await client.query("SELECT to_regclass('pg_catalog.pg_stat_wal') IS NOT NULL AS ok")).rows[0]?.ok;
  return {
    postmasterPid: postmaster?.comm.startsWith('postgres') ? postmaster.pid : undefined,
    async snapshot(databases) {
      const stats = await client.query<{ datname: string; n: string }>(
        'SELECT datname, (xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = ANY($1)',
        [databases],
      );
      const wal = hasWal
        ? (
            await client.query<{ wal_sync: string; wal_write: string; wal_bytes: string }>(
              'SELECT wal_sync::text, wal_write::text, wal_bytes::text FROM pg_stat_wal',
            )
          ).rows[0]
        : undefined;
      const activity = await client.query<{
        pid: number;
        datname: string | null;
        backend_type: string;
        application_name: string;
      }>('SELECT pid, datname, backend_type, application_name FROM pg_stat_activity');
      return {
        transactions: Object.fromEntries(stats.rows.map((r) => [r.datname, Number(r.n)])),
        walSync: Number(wal?.wal_sync ?? Number.NaN),
        walWrite: Number(wal?.wal_write ?? Number.NaN),
        walBytes: Number(wal?.wal_bytes ?? Number.NaN),
        backends: activity.rows.map((r) => ({
          pid: r.pid,
          database: r.datname,
          backendType: r.backend_type,
          applicationName: r.application_name,
        })),
      };
    },
    close: () => client.end(),
  };
}

// What the benchmark needs from a running shape, however it was started: where clients go, how
// order completion is read, which processes and databases to account for, and how to clean up.
import type { TlsFiles } from '@ordo/cli/cluster';
import type { CourierPool } from '../couriers.js';
import type { ShapeName } from '../options.js';

export interface OrdoProcessInfo {
  /** `ordo` (one-process shapes) or the service name. */
  label: string;
  pid: number;
  /** Its own HTTP base URL, for /metrics (heap). */
  url: string;
  /** A service behind the gateway answers over mutual TLS, to the operators' tools certificate only. */
  tls?: TlsFiles;
}

export interface RunningShape {
  readonly name: ShapeName;
  /** Where clients send requests (the gateway, or the one process). */
  readonly url: string;
  /** Where the shape keeps `demo-credentials.json` (the demo accounts' passwords), when it seeded them. */
  readonly demoCredentialsFile?: string;
  /** The order service's database, read directly for completion (Postgres shapes only). */
  readonly orderDatabaseUrl: string | undefined;
  /** The delivery service's database, where couriers are seeded (Postgres shapes only). */
  readonly deliveryDatabaseUrl: string | undefined;
  /** The server (admin) URL for pg_stat_*; undefined for PGlite. */
  readonly postgresAdminUrl: string | undefined;
  /** The databases whose transactions count (pg_stat_database). */
  readonly databases: readonly string[];
  readonly couriers: CourierPool;
  readonly processes: readonly OrdoProcessInfo[];
  /**
   * The distributed shape's gateway certificate (and the CA): the one client a service believes
   * `x-ordo-caller` from. Only a benchmark standing in for the gateway presents it (bench:read).
   */
  readonly gatewayTls?: TlsFiles;
  readonly natsUrl: string | undefined;
  /** What was started, for the report. */
  readonly description: string;
  /** Stops what the benchmark started and removes its databases, streams and files. */
  close(): Promise<void>;
}

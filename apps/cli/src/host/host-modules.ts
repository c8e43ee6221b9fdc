// The services the embedded host mounts, in order. Each is a Fastify plugin: a later step
// adds `{ name: 'order', plugin: orderService }` here and the host serves it in-process.
import type { HostConfig } from '@ordo/config';
import type { Db } from '@ordo/db';
import type { Transport } from '@ordo/messaging';
import type { FastifyPluginAsync } from 'fastify';

/** What the host hands each module. Modules log with `app.log` and add checks with `app.readiness.add`. */
export interface HostContext {
  db: Db;
  /** The embedded shape's transport: pglog on the same database. */
  transport: Transport;
  config: HostConfig;
}

export interface HostModule {
  /** For logs and errors, e.g. `order`. */
  name: string;
  /** Registered with the HostContext as its options; stop background work in an `onClose` hook. */
  plugin: FastifyPluginAsync<HostContext>;
}

export const hostModules: readonly HostModule[] = [];

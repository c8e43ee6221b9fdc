// The embedded host mounts every service through `createEmbeddedServices`; this file only keeps
// the context type that host-level plugins receive.
import type { HostConfig } from '@ordo/config';
import type { Db } from '@ordo/db';
import type { Transport } from '@ordo/messaging';

export interface HostContext {
  db: Db;
  transport: Transport;
  config: HostConfig;
}

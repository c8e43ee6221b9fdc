// The shape every Ordo service has, so the embedded host and `ordo serve <service>` can run any
// of them the same way: its own schema and migrations, HTTP routes as a Fastify plugin, and
// background work (outbox relay, consumers, timers) started and stopped explicitly.
import type { FieldKeys } from '@ordo/crypto';
import type { Db, Migration } from '@ordo/db';
import type { Faults } from '@ordo/faults';
import type { ApiOperation } from '@ordo/http';
import type { Logger } from '@ordo/logger';
import type { Transport } from '@ordo/messaging';
import type { FastifyPluginAsync } from 'fastify';

/** What the composition root hands a service factory. Nothing in it reads env vars. */
export interface ServiceContext {
  /** The service's database (embedded: the shared PGlite; distributed: its own Postgres database). */
  readonly db: Db;
  readonly transport: Transport;
  readonly logger: Logger;
  /** Named fault-injection points; `noFaults` in production. */
  readonly faults: Faults;
  /** The clock, so deadlines can be tested without sleeping. */
  readonly now: () => Date;
  /**
   * The key-encryption keys of this service's purposes only (ADR 0023). Without them the service
   * seals and opens nothing: asked to, it fails with ORDO_ERR_CRYPTO_NOT_ENTITLED.
   */
  readonly fieldKeys?: FieldKeys;
}

export interface OrdoService {
  /** `order`, `restaurant`, `payment`, `delivery`, `gateway`, `psp-sim`. */
  readonly name: string;
  /** The service's own schema; no other service reads it. */
  readonly schema: string;
  /** Kernel migrations it needs plus its own, append-only, applied before `start`. */
  readonly migrations: readonly Migration[];
  /** HTTP routes (paths are absolute, e.g. `/v1/orders`). */
  readonly routes: FastifyPluginAsync;
  /** What the routes do, with the schemas they validate with: the OpenAPI document is built from it. */
  readonly api?: readonly ApiOperation[];
  /** Starts background work: outbox relay, consumers, timers. */
  start(): Promise<void>;
  /** Graceful drain: in-flight work finishes, then everything stops. */
  stop(): Promise<void>;
}

export type ServiceFactory<Options = Record<string, never>> = (
  context: ServiceContext,
  options: Options,
) => OrdoService;

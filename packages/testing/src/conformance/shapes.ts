// The infrastructure shapes the conformance suite runs against: a transport plus the service
// database it works with, built fresh for every test, and describable to a child process.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgDb, createPgliteDb, type Db } from '@ordo/db';
import type { Transport } from '@ordo/messaging';
import { createNatsTransport } from '@ordo/transport-nats';
import { createPglogTransport } from '@ordo/transport-pglog';
import { createTestPgDatabase } from '../databases.js';

/** Everything a child process needs to join the same infrastructure. */
export type ShapeConfig =
  | { kind: 'pglog-postgres'; connectionString: string }
  | { kind: 'pglog-pglite'; dataDir: string }
  | { kind: 'nats-postgres'; connectionString: string; natsUrl: string };

export interface ShapeContext {
  readonly config: ShapeConfig;
  readonly db: Db;
  readonly transport: Transport;
  /** A topic name unique to this test. */
  topic(name: string): string;
  /** A second transport connection, as another process would have. */
  connectTransport(): Promise<Transport>;
  cleanup(): Promise<void>;
}

export interface TransportShape {
  readonly name: string;
  /** Several processes can share the infrastructure (not PGlite). */
  readonly multiProcess: boolean;
  setup(): Promise<ShapeContext>;
}

export const natsUrl = (): string => process.env.ORDO_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** Opens the Db and transport a config describes (used by child processes too). */
export async function openShape(config: ShapeConfig): Promise<{ db: Db; transport: Transport }> {
  switch (config.kind) {
    case 'pglog-postgres': {
      const db = createPgDb({ connectionString: config.connectionString, max: 8 });
      return { db, transport: await createPglogTransport({ db }) };
    }
    case 'pglog-pglite': {
      const db = await createPgliteDb({ dataDir: config.dataDir });
      return { db, transport: await createPglogTransport({ db }) };
    }
    case 'nats-postgres': {
      const db = createPgDb({ connectionString: config.connectionString, max: 8 });
      return { db, transport: await createNatsTransport({ servers: config.natsUrl }) };
    }
  }
}

const suffix = () => randomBytes(4).toString('hex');

function topicNamer(): (name: string) => string {
  const run = suffix();
  return (name) => `${name}.t${run}`;
}

export const pglogOnPostgres: TransportShape = {
  name: 'pglog on Postgres',
  multiProcess: true,
  async setup() {
    const database = await createTestPgDatabase('ordo_conf');
    const config: ShapeConfig = { kind: 'pglog-postgres', connectionString: database.connectionString };
    const { db, transport } = await openShape(config);
    const extra: Transport[] = [];
    return {
      config,
      db,
      transport,
      topic: topicNamer(),
      async connectTransport() {
        const t = await createPglogTransport({ db });
        extra.push(t);
        return t;
      },
      async cleanup() {
        for (const t of [transport, ...extra]) await t.close().catch(() => {});
        await db.close();
        await database.drop();
      },
    };
  },
};

export const pglogOnPglite: TransportShape = {
  name: 'pglog on PGlite',
  multiProcess: false,
  async setup() {
    const dataDir = await mkdtemp(join(tmpdir(), 'ordo-conf-'));
    const config: ShapeConfig = { kind: 'pglog-pglite', dataDir };
    const { db, transport } = await openShape(config);
    const extra: Transport[] = [];
    return {
      config,
      db,
      transport,
      topic: topicNamer(),
      async connectTransport() {
        const t = await createPglogTransport({ db });
        extra.push(t);
        return t;
      },
      async cleanup() {
        for (const t of [transport, ...extra]) await t.close().catch(() => {});
        await db.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  },
};

export const natsOnPostgres: TransportShape = {
  name: 'NATS JetStream',
  multiProcess: true,
  async setup() {
    const database = await createTestPgDatabase('ordo_conf');
    const config: ShapeConfig = {
      kind: 'nats-postgres',
      connectionString: database.connectionString,
      natsUrl: natsUrl(),
    };
    const { db, transport } = await openShape(config);
    const extra: Transport[] = [];
    const topics = new Set<string>();
    const namer = topicNamer();
    return {
      config,
      db,
      transport,
      topic: (name) => {
        const t = namer(name);
        topics.add(t);
        return t;
      },
      async connectTransport() {
        const t = await createNatsTransport({ servers: natsUrl() });
        extra.push(t);
        return t;
      },
      async cleanup() {
        const admin = transport as Transport & { deleteTopic?: (topic: string) => Promise<void> };
        for (const t of topics) await admin.deleteTopic?.(t).catch(() => {});
        for (const t of [transport, ...extra]) await t.close().catch(() => {});
        await db.close();
        await database.drop();
      },
    };
  },
};

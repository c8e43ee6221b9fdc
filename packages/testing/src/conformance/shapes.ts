// The infrastructure shapes the conformance suite runs against: a transport plus the service
// database it works with, built fresh for every test, and describable to a child process.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
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

/**
 * A shape from how to provision its infrastructure. Cleanup deletes the topics the test used
 * through its transport, so nothing is left behind on a broker that outlives the test (NATS);
 * then `release` runs, after the Db and transport are closed.
 */
function shape(
  name: string,
  multiProcess: boolean,
  provision: () => Promise<{ config: ShapeConfig; release(): Promise<void> }>,
): TransportShape {
  return {
    name,
    multiProcess,
    async setup() {
      const { config, release } = await provision();
      const { db, transport } = await openShape(config);
      const topics: string[] = [];
      const namer = topicNamer();
      return {
        config,
        db,
        transport,
        topic: (topicName) => {
          const topic = namer(topicName);
          topics.push(topic);
          return topic;
        },
        async cleanup() {
          try {
            for (const topic of topics) await transport.deleteTopic(topic);
          } finally {
            await transport.close().catch(() => {});
            await db.close();
            await release();
          }
        },
      };
    },
  };
}

export const pglogOnPostgres = shape('pglog on Postgres', true, async () => {
  const database = await createTestPgDatabase('ordo_conf');
  return {
    config: { kind: 'pglog-postgres', connectionString: database.connectionString },
    release: () => database.drop(),
  };
});

let pgliteTemplate: Promise<string> | undefined;

/**
 * A data directory PGlite has initialised, made once per test process: `initdb` takes about two
 * seconds, copying a closed cluster's files a few hundred milliseconds.
 */
function pgliteTemplateDir(): Promise<string> {
  pgliteTemplate ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ordo-conf-template-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const db = await createPgliteDb({ dataDir: dir });
    await db.close();
    return dir;
  })();
  return pgliteTemplate;
}

export const pglogOnPglite = shape('pglog on PGlite', false, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'ordo-conf-'));
  await cp(await pgliteTemplateDir(), dataDir, { recursive: true });
  return {
    config: { kind: 'pglog-pglite', dataDir },
    release: () => rm(dataDir, { recursive: true, force: true }),
  };
});

export const natsOnPostgres = shape('NATS JetStream', true, async () => {
  const database = await createTestPgDatabase('ordo_conf');
  return {
    config: { kind: 'nats-postgres', connectionString: database.connectionString, natsUrl: natsUrl() },
    release: () => database.drop(),
  };
});

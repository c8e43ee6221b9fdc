// Test support: the two database shapes every pglog test runs against.
import type { Db } from '@ordo/db';
import type { TransportMessage } from '@ordo/messaging';
import { createTestPgDatabase, createTestPgliteDb } from '@ordo/testing';

export interface ShapeFixture {
  readonly db: Db;
  /** A Db for a second "process": a new pool on Postgres, the same instance on PGlite. */
  peer(): Db;
  cleanup(): Promise<void>;
}

export const shapes: Array<[string, () => Promise<ShapeFixture>]> = [
  [
    'postgres',
    async () => {
      const database = await createTestPgDatabase('ordo_pglog');
      const db = database.open();
      const peers: Db[] = [];
      return {
        db,
        peer: () => {
          const peer = database.open({ max: 4 });
          peers.push(peer);
          return peer;
        },
        cleanup: async () => {
          for (const peer of peers) await peer.close();
          await db.close();
          await database.drop();
        },
      };
    },
  ],
  [
    'pglite',
    async () => {
      const db = await createTestPgliteDb();
      return { db, peer: () => db, cleanup: () => db.close() };
    },
  ],
];

let counter = 0;

/** A topic name no other test in this process uses, so tests can share one database. */
export function uniqueTopic(label: string): string {
  counter += 1;
  return `test.${label}.${counter}`;
}

export function testMessage(topic: string, id: string, overrides: Partial<TransportMessage> = {}): TransportMessage {
  return {
    id,
    topic,
    type: 'test.happened.v1',
    key: `aggregate-${id}`,
    headers: { 'ordo-message-id': id, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    body: JSON.stringify({ id, text: 'ünïcödé, "quotes", \\ backslash\nnewline' }),
    ...overrides,
  };
}

// The gateway enforces Idempotency-Key on the routes the catalog lists; the API documentation
// shows the header on the operations the services mark `idempotent`. The two lists must agree.
import type { RouteAuth } from '@ordo/auth';
import type { Db } from '@ordo/db';
import { noFaults } from '@ordo/faults';
import { MemoryLiveFeed } from '@ordo/live-feed';
import { silentLogger } from '@ordo/logger';
import { MemoryReadStore } from '@ordo/read-store';
import { MemoryTransport } from '@ordo/testing';
import { describe, expect, it } from 'vitest';
import { BUSINESS_SERVICES, buildService, IDEMPOTENT_ROUTES } from '../src/host/service-catalog.js';

const auth = { authorize: () => async () => {} } as unknown as RouteAuth;

// Building a service opens nothing (constructors take ports, start() connects): no database needed.
const db = {} as Db;

describe('idempotent routes', () => {
  it('when the services describe their operations, then the ones marked idempotent are the routes the gateway guards', () => {
    const context = {
      db,
      transport: new MemoryTransport(),
      logger: silentLogger,
      faults: noFaults,
      now: () => new Date(),
    };
    const readModels = { store: new MemoryReadStore(), feed: new MemoryLiveFeed() };
    const marked = BUSINESS_SERVICES.flatMap((name) =>
      (buildService(name, context, { auth, pspUrl: 'http://127.0.0.1:1', readModels }).api ?? [])
        .filter((operation) => operation.idempotent)
        .map(({ method, path }) => `${method} ${path}`),
    );
    expect(marked.sort()).toEqual(IDEMPOTENT_ROUTES.map(({ method, path }) => `${method} ${path}`).sort());
  });
});

// The gateway forwards each path prefix to the service that owns it: every route a service
// registers must fall under its prefixes, and no two services may claim the same path.
import type { RouteAuth } from '@ordo/auth';
import { parseConfig } from '@ordo/config';
import type { Db } from '@ordo/db';
import { AppError } from '@ordo/errors';
import { noFaults } from '@ordo/faults';
import { MemoryLiveFeed } from '@ordo/live-feed';
import { silentLogger } from '@ordo/logger';
import { MemoryReadStore } from '@ordo/read-store';
import { createTestPgliteDb, MemoryTransport } from '@ordo/testing';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSINESS_SERVICES, buildService, ownerOf, parseTuning } from '../src/host/service-catalog.js';
import { serveConfigSchema } from '../src/serve/serve-config.js';

const auth: RouteAuth = {
  authorize: () => async () => {},
  currentUser: () => ({ id: 'u', role: 'operator' }),
} as unknown as RouteAuth;

describe('service catalog', () => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestPgliteDb();
  });
  afterAll(() => db?.close());

  it.each(BUSINESS_SERVICES)(
    'when the %s service registers its routes, then the gateway forwards each of them to it',
    async (name) => {
      const context = {
        db,
        transport: new MemoryTransport(),
        logger: silentLogger,
        faults: noFaults,
        now: () => new Date(),
      };
      // As the hosts build them with read models: orders are read from the query service's views.
      const readModels = { store: new MemoryReadStore(), feed: new MemoryLiveFeed() };
      const service = buildService(name, context, { auth, pspUrl: 'http://127.0.0.1:1', readModels });
      const app = Fastify();
      const routes: Array<{ method: string; path: string }> = [];
      app.addHook('onRoute', (route) => {
        if (!route.url.startsWith('/v1/')) return;
        for (const method of [route.method].flat()) routes.push({ method, path: route.url });
      });
      await app.register(service.routes);
      await app.ready();
      await app.close();
      expect(routes.length).toBeGreaterThan(0);
      for (const { method, path } of routes) {
        expect({ method, path, owner: ownerOf(method, path) }).toEqual({ method, path, owner: name });
      }
    },
  );

  it('when ORDO_TUNING holds an unknown key, then it is refused', () => {
    expect(parseTuning('{"sagaTimerIntervalMs":200,"payment":{"voidDeadlineMs":100}}')).toEqual({
      sagaTimerIntervalMs: 200,
      payment: { voidDeadlineMs: 100 },
    });
    expect(() => parseTuning('{"sagaTimerMs":200}')).toThrow();
  });
});

describe('ordo serve config', () => {
  const issuesOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      if (error instanceof AppError)
        return ((error.details?.issues ?? []) as Array<{ variable: string }>).map((i) => i.variable).sort();
      throw error;
    }
    return [];
  };

  it('when the payment service lacks its database, gateway and PSP URLs, then all three are reported at once', () => {
    expect(issuesOf(() => parseConfig(serveConfigSchema('payment'), {}))).toEqual([
      'DATABASE_URL',
      'ORDO_GATEWAY_URL',
      'ORDO_PSP_URL',
    ]);
  });

  it('when the gateway is missing an upstream, then ORDO_UPSTREAMS is reported', () => {
    const env = {
      DATABASE_URL: 'postgres://x@127.0.0.1/db',
      ORDO_UPSTREAMS: 'order=http://127.0.0.1:1,restaurant=http://127.0.0.1:2,payment=http://127.0.0.1:3',
    };
    expect(issuesOf(() => parseConfig(serveConfigSchema('gateway'), env))).toEqual(['ORDO_UPSTREAMS']);
  });

  it('when every variable is given, then the config is read', () => {
    const config = parseConfig(serveConfigSchema('order'), {
      PORT: '3106',
      DATABASE_URL: 'postgres://x@127.0.0.1/ordo_order',
      ORDO_GATEWAY_URL: 'http://127.0.0.1:3000',
      ORDO_NATS_NAMESPACE: 'ordo',
      ORDO_TUNING: '{"sagaTimerIntervalMs":200}',
      ORDO_FAULTS: 'consumer.afterCommit=exit@1',
    });
    expect(config).toMatchObject({
      service: 'order',
      port: 3106,
      natsNamespace: 'ordo',
      tuning: { sagaTimerIntervalMs: 200 },
      faults: 'consumer.afterCommit=exit@1',
    });
  });
});

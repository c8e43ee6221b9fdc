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
import {
  BUSINESS_SERVICES,
  buildService,
  ownerOf,
  parseTuning,
  type ServiceName,
} from '../src/host/service-catalog.js';
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

  const TLS = { ORDO_TLS_CA: '/tls/ca.crt', ORDO_TLS_CERT: '/tls/order.crt', ORDO_TLS_KEY: '/tls/order.key' };

  it('when the payment service lacks its database, TLS files and PSP URL, then all are reported at once', () => {
    expect(issuesOf(() => parseConfig(serveConfigSchema('payment'), {}))).toEqual([
      'DATABASE_URL',
      'ORDO_PSP_URL',
      'ORDO_TLS_CA',
      'ORDO_TLS_CERT',
      'ORDO_TLS_KEY',
    ]);
  });

  it('when a service or the gateway is served without TLS files, then the config is refused, naming each; a tool building the service needs none', () => {
    const env = {
      DATABASE_URL: 'postgres://x@127.0.0.1/db',
      REDIS_URL: 'redis://127.0.0.1:6379',
      ORDO_UPSTREAMS: httpsUpstreams(),
    };
    // Other settings a service needs (its keys, say) are not what this is about.
    const tlsIssues = (service: ServiceName, use?: 'tool') =>
      issuesOf(() => parseConfig(serveConfigSchema(service, use), env)).filter((v) => v.startsWith('ORDO_TLS_'));
    for (const service of ['gateway', 'restaurant', 'delivery', 'order', 'query', 'audit'] as const) {
      expect(tlsIssues(service), service).toEqual(['ORDO_TLS_CA', 'ORDO_TLS_CERT', 'ORDO_TLS_KEY']);
    }
    expect(tlsIssues('query', 'tool')).toEqual([]);
    expect(tlsIssues('psp-sim')).toEqual([]);
  });

  it('when the gateway is given a plain-HTTP upstream, then ORDO_UPSTREAMS is refused', () => {
    const upstreams = httpsUpstreams().replace('https://127.0.0.1:3104', 'http://127.0.0.1:3104');
    const env = { DATABASE_URL: 'postgres://x@127.0.0.1/db', ORDO_UPSTREAMS: upstreams, ...TLS };
    const issues = issuesOf(() => parseConfig(serveConfigSchema('gateway'), env));
    expect(issues).toContain('ORDO_UPSTREAMS');
    expect(issues.filter((v) => v.startsWith('ORDO_TLS_'))).toEqual([]);
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
      ...TLS,
      ORDO_NATS_NAMESPACE: 'ordo',
      ORDO_TUNING: '{"sagaTimerIntervalMs":200}',
      ORDO_FAULTS: 'consumer.afterCommit=exit@1',
      // The order service seals addresses (ADR 0023): it needs the master key or its own KEKs.
      ORDO_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    expect(config).toMatchObject({
      service: 'order',
      port: 3106,
      natsNamespace: 'ordo',
      tuning: { sagaTimerIntervalMs: 200 },
      faults: 'consumer.afterCommit=exit@1',
      tls: { caFile: '/tls/ca.crt', certFile: '/tls/order.crt', keyFile: '/tls/order.key' },
    });
  });
});

function httpsUpstreams(): string {
  return ['restaurant', 'delivery', 'payment', 'order', 'query', 'audit']
    .map((service, i) => `${service}=https://127.0.0.1:${3101 + i}`)
    .join(',');
}

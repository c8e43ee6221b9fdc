import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { HELMET_OPTIONS, securityHeadersPlugin } from './security-headers.plugin.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function appWith(register: (app: FastifyInstance) => PromiseLike<unknown>): Promise<FastifyInstance> {
  const app = Fastify();
  apps.push(app);
  await register(app);
  app.get('/v1/things', async () => ({ things: [] }));
  app.get('/page', async (_request, reply) =>
    reply.header('content-security-policy', "default-src 'self'").send('<p>'),
  );
  return app;
}

describe('security headers, asked of helmet once', () => {
  it('when any route answers, then it carries exactly the headers @fastify/helmet sets per request', async () => {
    const ours = await appWith((app) => app.register(securityHeadersPlugin));
    const helmets = await appWith((app) => app.register(helmet, HELMET_OPTIONS));
    const expected = (await helmets.inject({ method: 'GET', url: '/v1/things' })).headers;
    const names = Object.keys(expected).filter(
      (name) => !['content-type', 'content-length', 'date', 'connection'].includes(name),
    );
    expect(names.length).toBeGreaterThan(8);
    for (const url of ['/v1/things', '/no/such/route']) {
      const res = await ours.inject({ method: 'GET', url });
      for (const name of names) expect(res.headers[name], `${url} ${name}`).toBe(expected[name]);
    }
  });

  it("when a route sets its own policy, then it wins over helmet's", async () => {
    const ours = await appWith((app) => app.register(securityHeadersPlugin));
    const res = await ours.inject({ method: 'GET', url: '/page' });
    expect(res.headers['content-security-policy']).toBe("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

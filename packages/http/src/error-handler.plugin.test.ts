import type { AddressInfo } from 'node:net';
import { AppError, Errors } from '@ordo/errors';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp } from './create-http-app.js';
import { errorHandlerPlugin } from './error-handler.plugin.js';

let app: FastifyInstance;
afterEach(() => app?.close());

async function appWithRoutes(options: { bodyLimit?: number } = {}): Promise<FastifyInstance> {
  const instance = await createHttpApp(options);
  instance.post(
    '/items',
    { schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } } },
    async (request) => ({ received: request.body }),
  );
  instance.get('/items/:id', async (request) => ({ id: (request.params as { id: string }).id }));
  instance.get('/app-error', async () => {
    throw new AppError(Errors.DLQ_NOT_FOUND, { message: 'no message 42 in the DLQ', details: { id: 42 } });
  });
  instance.get('/busy', async () => {
    throw new AppError(Errors.MSG_PUBLISH_FAILED, { retryAfterSeconds: 1.2 });
  });
  instance.get('/app-error-5xx', async () => {
    throw new AppError(Errors.DB_MIGRATION_FAILED, { message: 'migration m1 failed: relation "secret_table" exists' });
  });
  return instance;
}

describe('errorHandlerPlugin', () => {
  it('when a handler throws an AppError, then its status, code, message and details are returned', async () => {
    app = await appWithRoutes();
    const res = await app.inject({ method: 'GET', url: '/app-error' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: { code: 'ORDO_ERR_DLQ_NOT_FOUND', message: 'no message 42 in the DLQ', details: { id: 42 } },
    });
  });

  it('when a handler throws a 5xx AppError, then the client gets the registry message, not the internal one', async () => {
    app = await appWithRoutes();
    const res = await app.inject({ method: 'GET', url: '/app-error-5xx' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      error: { code: 'ORDO_ERR_DB_MIGRATION_FAILED', message: Errors.DB_MIGRATION_FAILED.message },
    });
  });

  it('when an AppError says when to retry, then the answer carries Retry-After in whole seconds, rounded up', async () => {
    app = await appWithRoutes();
    const res = await app.inject({ method: 'GET', url: '/busy' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
    const plain = await app.inject({ method: 'GET', url: '/app-error' });
    expect(plain.headers['retry-after']).toBeUndefined();
  });

  it('when the JSON body is malformed, then 400 ORDO_ERR_HTTP_MALFORMED_JSON', async () => {
    app = await appWithRoutes();
    const res = await app.inject({
      method: 'POST',
      url: '/items',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 'ORDO_ERR_HTTP_MALFORMED_JSON', message: Errors.MALFORMED_JSON.message },
    });
  });

  it('when a JSON body is empty, then 400 ORDO_ERR_HTTP_MALFORMED_JSON', async () => {
    app = await appWithRoutes();
    const res = await app.inject({
      method: 'POST',
      url: '/items',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('ORDO_ERR_HTTP_MALFORMED_JSON');
  });

  it('when the content type is not JSON, then 415 ORDO_ERR_HTTP_UNSUPPORTED_MEDIA_TYPE', async () => {
    app = await appWithRoutes();
    const res = await app.inject({
      method: 'POST',
      url: '/items',
      headers: { 'content-type': 'application/xml' },
      payload: '<name>x</name>',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({
      error: { code: 'ORDO_ERR_HTTP_UNSUPPORTED_MEDIA_TYPE', message: Errors.UNSUPPORTED_MEDIA_TYPE.message },
    });
  });

  it('when the body is larger than the limit, then 413 ORDO_ERR_HTTP_BODY_TOO_LARGE', async () => {
    app = await appWithRoutes({ bodyLimit: 64 });
    const res = await app.inject({ method: 'POST', url: '/items', payload: { name: 'x'.repeat(200) } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({
      error: { code: 'ORDO_ERR_HTTP_BODY_TOO_LARGE', message: Errors.BODY_TOO_LARGE.message },
    });
  });

  it('when the body fails the route schema, then 400 ORDO_ERR_HTTP_VALIDATION says what is wrong', async () => {
    app = await appWithRoutes();
    const res = await app.inject({ method: 'POST', url: '/items', payload: { nome: 'x' } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('ORDO_ERR_HTTP_VALIDATION');
    expect(body.error.message).toMatch(/name/);
    expect(body.error.details).toEqual({ in: 'body', issues: [expect.objectContaining({ path: '' })] });
  });

  it('when a valid body is sent, then the route answers normally', async () => {
    app = await appWithRoutes();
    const res = await app.inject({ method: 'POST', url: '/items', payload: { name: 'x' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: { name: 'x' } });
  });

  it('when no route matches, then 404 ORDO_ERR_HTTP_NOT_FOUND', async () => {
    app = await appWithRoutes();
    const res = await app.inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'ORDO_ERR_HTTP_NOT_FOUND', message: Errors.NOT_FOUND.message } });
  });

  it('when a path parameter is not valid percent-encoding, then 400 ORDO_ERR_HTTP_VALIDATION', async () => {
    app = await appWithRoutes();
    const res = await app.inject({ method: 'GET', url: '/items/%zz' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('ORDO_ERR_HTTP_VALIDATION');
  });

  it('when a handler throws anything else, then 500 ORDO_ERR_HTTP_INTERNAL without internals, and it is logged', async () => {
    const lines: string[] = [];
    app = Fastify({ logger: { level: 'info', stream: { write: (line: string) => lines.push(line) } } });
    await app.register(errorHandlerPlugin);
    app.get('/crash', async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.7:5432 as user admin');
    });
    const res = await app.inject({ method: 'GET', url: '/crash' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'ORDO_ERR_HTTP_INTERNAL', message: Errors.INTERNAL.message } });
    expect(res.body).not.toContain('ECONNREFUSED');
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request failed');
    expect(logged).toMatchObject({ level: 50, code: 'ORDO_ERR_HTTP_INTERNAL' });
    expect(logged.err.message).toContain('ECONNREFUSED');
  });

  it('when a request arrives while the app is closing, then 503 ORDO_ERR_HTTP_NOT_READY', async () => {
    app = await createHttpApp();
    // A preClose hook that takes a while (as draining a consumer does) keeps the listener open.
    let release!: () => void;
    const draining = new Promise<void>((resolve) => {
      release = resolve;
    });
    let closeStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      closeStarted = resolve;
    });
    app.addHook('preClose', async () => {
      closeStarted();
      await draining;
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;

    const closed = app.close();
    await started;
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    release();
    await closed;

    expect(res.status).toBe(503);
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.json()).toEqual({
      error: { code: 'ORDO_ERR_HTTP_NOT_READY', message: 'The service is shutting down' },
    });
  });
});

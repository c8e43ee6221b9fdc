import { createLogger } from '@ordo/logger';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp, SYNTHETIC_USER_AGENT_PREFIX } from './create-http-app.js';

let app: FastifyInstance;
afterEach(() => app?.close());

type Line = { level: number; msg: string; req?: { method: string; url: string }; res?: { statusCode: number } };

async function appLoggingTo(lines: Line[], options: { slowRequestMs?: number } = {}): Promise<FastifyInstance> {
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => lines.push(JSON.parse(line)) },
  });
  const created = await createHttpApp({ logger, ...options });
  created.get('/v1/things', async () => ({ things: [] }));
  created.get('/v1/things/:id', async (_request, reply) => reply.code(404).send({ error: { code: 'NOPE' } }));
  created.get('/v1/broken', async () => {
    throw new Error('boom');
  });
  created.get('/v1/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, 60));
    return { slow: true };
  });
  // A live stream written on the raw response, as the tracking route does: long by design.
  created.get('/v1/stream', async (_request, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    reply.raw.end('data: bye\n\n');
  });
  return created;
}

const levelsOf = (lines: Line[], msg: string) => lines.filter((l) => l.msg === msg).map((l) => l.level);

const DEBUG = 20;
const INFO = 30;
const WARN = 40;
const ERROR = 50;

describe('createHttpApp request logging', () => {
  it('when an ordinary client is answered, then its request lines are logged at debug only', async () => {
    const lines: Line[] = [];
    app = await appLoggingTo(lines);
    await app.inject({ method: 'GET', url: '/v1/things', headers: { 'user-agent': 'curl/8.5.0' } });
    expect(levelsOf(lines, 'incoming request')).toEqual([DEBUG]);
    expect(levelsOf(lines, 'request completed')).toEqual([DEBUG]);
  });

  it('when a request is refused or fails, then its completed line is at info and names the request, and a failure is logged at error', async () => {
    const lines: Line[] = [];
    app = await appLoggingTo(lines);
    expect((await app.inject({ method: 'GET', url: '/v1/things/42' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/v1/broken' })).statusCode).toBe(500);
    const completed = lines.filter((l) => l.msg === 'request completed');
    expect(completed.map((l) => [l.level, l.req?.method, l.req?.url, l.res?.statusCode])).toEqual([
      [INFO, 'GET', '/v1/things/42', 404],
      [INFO, 'GET', '/v1/broken', 500],
    ]);
    expect(levelsOf(lines, 'request failed')).toEqual([ERROR]);
  });

  it('when a request takes longer than slowRequestMs, then it is logged at warn, but a live event stream is not', async () => {
    const lines: Line[] = [];
    app = await appLoggingTo(lines, { slowRequestMs: 50 });
    expect((await app.inject({ method: 'GET', url: '/v1/slow' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/stream' })).statusCode).toBe(200);
    const slow = lines.filter((l) => l.msg === 'slow request');
    expect(slow.map((l) => [l.level, l.req?.url])).toEqual([[WARN, '/v1/slow']]);
    expect(levelsOf(lines, 'request completed')).toEqual([DEBUG]);
  });

  it('when a synthetic client calls, then its request lines are logged at debug even when refused, and its failures still at error', async () => {
    const lines: Line[] = [];
    app = await appLoggingTo(lines);
    const headers = { 'user-agent': `${SYNTHETIC_USER_AGENT_PREFIX}demo-simulator` };
    await app.inject({ method: 'GET', url: '/v1/things', headers });
    await app.inject({ method: 'GET', url: '/v1/things/42', headers });
    expect(levelsOf(lines, 'incoming request')).toEqual([DEBUG, DEBUG]);
    expect(levelsOf(lines, 'request completed')).toEqual([DEBUG, DEBUG]);
    expect((await app.inject({ method: 'GET', url: '/v1/broken', headers })).statusCode).toBe(500);
    expect(levelsOf(lines, 'request failed')).toEqual([ERROR]);
  });
});

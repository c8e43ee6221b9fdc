import { createLogger } from '@ordo/logger';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp, SYNTHETIC_USER_AGENT_PREFIX } from './create-http-app.js';

let app: FastifyInstance;
afterEach(() => app?.close());

async function appLoggingTo(lines: Array<{ level: number; msg: string }>): Promise<FastifyInstance> {
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => lines.push(JSON.parse(line)) },
  });
  const created = await createHttpApp({ logger });
  created.get('/v1/things', async () => ({ things: [] }));
  created.get('/v1/broken', async () => {
    throw new Error('boom');
  });
  return created;
}

const levelsOf = (lines: Array<{ level: number; msg: string }>, msg: string) =>
  lines.filter((l) => l.msg === msg).map((l) => l.level);

const INFO = 30;
const DEBUG = 20;
const ERROR = 50;

describe('createHttpApp request logging', () => {
  it('when an ordinary client calls, then its request lines are logged at info', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    app = await appLoggingTo(lines);
    await app.inject({ method: 'GET', url: '/v1/things', headers: { 'user-agent': 'curl/8.5.0' } });
    expect(levelsOf(lines, 'incoming request')).toEqual([INFO]);
    expect(levelsOf(lines, 'request completed')).toEqual([INFO]);
  });

  it('when a synthetic client calls, then its request lines are logged at debug, and its failures still at error', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    app = await appLoggingTo(lines);
    const headers = { 'user-agent': `${SYNTHETIC_USER_AGENT_PREFIX}demo-simulator` };
    await app.inject({ method: 'GET', url: '/v1/things', headers });
    expect(levelsOf(lines, 'incoming request')).toEqual([DEBUG]);
    expect(levelsOf(lines, 'request completed')).toEqual([DEBUG]);
    expect((await app.inject({ method: 'GET', url: '/v1/broken', headers })).statusCode).toBe(500);
    expect(levelsOf(lines, 'request failed')).toEqual([ERROR]);
  });
});

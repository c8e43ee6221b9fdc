// Helpers for the session, backoff, rotation and fuzz tests: a gateway with cheap password
// hashes (the argon2 cost is not what these tests are about), and login/refresh by HTTP.
import type { FieldKeys } from '@ordo/crypto';
import type { Db } from '@ordo/db';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { GatewayOptions } from '../src/main.js';
import { type RunningGateway, startGateway, type TestClock, testClock } from './gateway-harness.js';

export const CHEAP_HASHES = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
export const PASSWORD = 'correct horse';

export function startTestGateway(
  db: Db,
  options: { clock?: TestClock; gateway?: GatewayOptions; fieldKeys?: FieldKeys } = {},
): Promise<RunningGateway> {
  return startGateway(db, {
    fieldKeys: options.fieldKeys,
    clock: options.clock ?? testClock(new Date('2026-03-01T10:00:00Z')),
    gateway: { passwordHashParams: CHEAP_HASHES, ...options.gateway },
  });
}

export function send(
  app: FastifyInstance,
  url: string,
  body: unknown,
  options: { ip?: string; token?: string } = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url,
    payload: body as Record<string, unknown>,
    remoteAddress: options.ip ?? '127.0.0.1',
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
  });
}

export interface Session {
  accessToken: string;
  refreshToken: string;
}

export async function logInOk(app: FastifyInstance, email: string, ip?: string): Promise<Session> {
  const res = await send(app, '/v1/auth/login', { email, password: PASSWORD }, { ip });
  if (res.statusCode !== 200) throw new Error(`login of ${email} failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

export function refresh(app: FastifyInstance, refreshToken: string): Promise<LightMyRequestResponse> {
  return send(app, '/v1/auth/refresh', { refreshToken });
}

export function refreshRefusal(res: LightMyRequestResponse): { status: number; code: string; reason: string } {
  const body = res.json();
  return { status: res.statusCode, code: body.error?.code, reason: body.error?.details?.reason };
}
